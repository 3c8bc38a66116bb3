"""The privacy notices (avisos de privacidad, LGPDPPSO arts. 26-28), read from configuration.

The integral notice is public at a stable address; the simplified one is shown, and accepted, at every intake
and can be printed. Their texts are files named in ``settings.PRIVACY_NOTICE`` (or the defaults beside this
module), with ``$placeholders`` filled from the institute's settings, so each institute words its own notice
without touching code. A notice is identified by its version and by a SHA-256 of both texts as filled in: what
an intake records is the very text she was shown.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from string import Template

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

DEFAULTS = Path(__file__).resolve().parent / "data" / "privacy_notice"


@dataclass(frozen=True)
class Block:
    """One piece of a notice as the page lays it out: a heading (level 1 or 2), a paragraph or a list."""

    kind: str  # "h1", "h2", "p" or "ul"
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    integral: str
    simplified: str
    sha256: str

    @property
    def integral_blocks(self) -> list[Block]:
        return blocks(self.integral)

    @property
    def simplified_blocks(self) -> list[Block]:
        return blocks(self.simplified)

    @property
    def title(self) -> str:
        """The simplified notice's first heading (or first line), for the intake form."""
        first = self.simplified.strip().split("\n", 1)[0]
        return first.lstrip("#").strip()


def blocks(text: str) -> list[Block]:
    """Paragraphs separated by blank lines; ``# `` and ``## `` headings; ``- `` list items. Plain text only:
    the template escapes everything, so a notice file cannot inject markup."""
    result: list[Block] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            result.append(Block("ul", items=tuple(line[2:].strip() for line in lines)))
        elif len(lines) == 1 and lines[0].startswith("## "):
            result.append(Block("h2", text=lines[0][3:].strip()))
        elif len(lines) == 1 and lines[0].startswith("# "):
            result.append(Block("h1", text=lines[0][2:].strip()))
        else:
            result.append(Block("p", text=" ".join(lines)))
    return result


def _read(path: str, default: str) -> str:
    file = Path(path) if path else DEFAULTS / default
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"the privacy notice file {file} cannot be read: {exc}") from exc


def current_notice() -> PrivacyNotice:
    """The notice in force, filled in. Read on each call (two small files): a new text takes effect at once."""
    config = settings.PRIVACY_NOTICE
    institute = settings.INSTITUTE
    version = str(config.get("version") or "1")
    values = {
        "institute_name": institute["name"],
        "institute_address": institute["address"],
        "institute_phone": institute["phone"],
        "municipality": institute.get("municipality", ""),
        "arco_office": config.get("arco_office", ""),
        "arco_contact": config.get("arco_contact", ""),
        "partners": config.get("partners", ""),
        "integral_url": settings.SITE_URL.rstrip("/") + reverse("privacy_notice:integral"),
        "version": version,
    }
    integral = Template(_read(config.get("integral_path", ""), "integral.txt")).safe_substitute(values)
    simplified = Template(_read(config.get("simplified_path", ""), "simplified.txt")).safe_substitute(values)
    digest = hashlib.sha256()
    for part in (version, integral, simplified):
        digest.update(part.encode())
        digest.update(b"\0")
    return PrivacyNotice(version=version, integral=integral, simplified=simplified, sha256=digest.hexdigest())
