"""Text normalisation for matching people's names as staff type them.

"María Hernández", "MARIA HERNANDEZ" and "Ma. Hernández" all normalise to "maria hernandez": accents and case
are dropped, punctuation becomes space, and the abbreviations Mexicans use for common given names are expanded.
"""

import re
import unicodedata

# Abbreviations of given names as they are written in Mexico ("Ma. Guadalupe", "Fco. Javier", "J. Jesús").
ABBREVIATIONS = {
    "ma": "maria",
    "gpe": "guadalupe",
    "fco": "francisco",
    "ant": "antonio",
}
_NON_WORD = re.compile(r"[^a-z0-9ñ ]+")
_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """Remove diacritics but keep ñ as its own letter, as Spanish does."""
    text = text.replace("ñ", "\0").replace("Ñ", "\1")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("\0", "ñ").replace("\1", "Ñ")


def normalize_name(text: str) -> str:
    text = strip_accents((text or "").lower())
    text = _NON_WORD.sub(" ", text)
    words = [ABBREVIATIONS.get(word, word) for word in _SPACES.split(text.strip()) if word]
    return " ".join(words)


def trigrams(text: str) -> set[str]:
    """Trigrams as PostgreSQL's pg_trgm makes them: each word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all distinct trigrams, so SQLite ranks like PostgreSQL."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)
