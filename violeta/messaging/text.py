"""SMS text: plain GSM-7 (no accents), one 160-character segment, her chosen name and a link, nothing else."""

import re

from violeta.core.text import strip_accents

# The GSM 03.38 basic character set (without the escape table): anything else forces UCS-2 and 70-char segments.
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
SEGMENT = 160


def to_gsm7(text: str, *, strip: bool = True) -> str:
    """Plain ASCII-safe GSM-7: accents removed (also ñ → n, which some phones render badly), rest dropped."""
    plain = strip_accents(text).replace("ñ", "n").replace("Ñ", "N").replace("¿", "").replace("¡", "")
    plain = re.sub(r"\s", " ", plain)  # tabs and line breaks separate words too: keep them as spaces
    plain = re.sub(r" +", " ", "".join(ch for ch in plain if ch in GSM7 and ord(ch) < 128))
    return plain.strip() if strip else plain


def fit(template: str, *, name: str = "", **values: str) -> str:
    """Fill ``template`` ({name}, {link}, {code}…) in GSM-7, shortening her name if it would not fit one segment.

    Values other than the name (links, codes) are ASCII already and go in as they are.
    """
    name = to_gsm7(name) or "Tu contacto"
    text = ""
    for length in range(len(name), 0, -1):
        parts = re.split(r"(\{\w+\})", template)
        plain = "".join(
            part if re.fullmatch(r"\{\w+\}", part) else to_gsm7(part, strip=False) for part in parts
        )
        text = plain.format(name=name[:length].rstrip(), **values).strip()
        if len(text) <= SEGMENT:
            return text
    return text[:SEGMENT]


def is_single_gsm7_segment(text: str) -> bool:
    return len(text) <= SEGMENT and all(ch in GSM7 for ch in text)
