"""Password validators (AUTH_PASSWORD_VALIDATORS): a list shipped with Violeta, and no guessable patterns.

Both look at the password the way a guesser would: lower case, accents dropped, l33t spelling undone
("V1oleta" is "violeta"), digits and symbols at the ends stripped ("Chihuahua2026!" is "chihuahua").
"""

import functools
import re
import unicodedata
from pathlib import Path

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LISTS = Path(__file__).resolve().parent / "password_lists"
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
STOPWORDS = {"de", "la", "el", "los", "las", "y", "mi", "tu", "su", "en", "del", "al", "con", "por", "para"}
MIN_OWN_CHARACTERS = 6


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _variants(password: str) -> set[str]:
    """The forms a guesser tries: as typed, without accents, l33t undone, without digits/symbols at the ends."""
    plain = _plain(password)
    forms = {password.strip().lower(), plain, plain.translate(LEET)}
    forms |= {re.sub(r"^[\W\d_]+|[\W\d_]+$", "", form) for form in list(forms)}
    return {form for form in forms if form}


@functools.cache
def _weak_words() -> frozenset[str]:
    lines = (LISTS / "weak-words-es-mx.txt").read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _place_words() -> set[str]:
    """The institute's own name, short name and municipality (configuration), word by word and run together."""
    institute = getattr(settings, "INSTITUTE", {})
    words = set()
    for key in ("name", "short_name", "municipality", "folio_prefix"):
        value = _plain(str(institute.get(key, "")))
        parts = [p for p in re.split(r"[^a-z]+", value) if len(p) >= 3 and p not in STOPWORDS]
        words.update(parts)
        if parts:
            words.add("".join(parts))
    return words


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's check against a list, with Violeta's list: Django's 20,000 plus Spanish/Mexican and local ones
    (built by scripts/build_password_list.py), and also tried without accents, l33t and end digits."""

    DEFAULT_PASSWORD_LIST_PATH = LISTS / "common-passwords.txt.gz"

    def validate(self, password, user=None):
        if _variants(password) & self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self):
        return _("This password is on a list of common or leaked passwords.")

    def get_help_text(self):
        return _("Your password can't be a common or leaked password.")


def _date_like(digits: str) -> bool:
    if len(digits) <= 2:
        return True
    if len(set(digits)) == 1:
        return True  # 0000, 7777
    if digits in "0123456789012345678901234567890" or digits in "9876543210987654321098765432109876":
        return True  # runs
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return True  # a year
    if len(digits) in (6, 8):
        return True  # a date: ddmmyy, ddmmyyyy
    half = len(digits) // 2
    return len(digits) % 2 == 0 and digits[:half] == digits[half:]


def _own_characters(form: str, weak: set[str]) -> int:
    """How many characters of ``form`` are not a weak word, a stop word, a date or a run of digits."""
    total = 0
    for token in re.findall(r"[a-z]+|\d+", form):
        if token.isdigit():
            total += 0 if _date_like(token) else len(token)
            continue
        if token in STOPWORDS:
            continue
        rest = token
        for word in sorted((w for w in weak if len(w) >= 4 and w in rest), key=len, reverse=True):
            rest = rest.replace(word, "")
        if rest in weak or rest in STOPWORDS:
            rest = ""
        total += len(rest)
    return total


class PredictablePasswordValidator:
    """Refuses a password made only of the institute's name, the city, a season, month or day, common
    password words and keyboard runs, plus years, dates or digit runs ("Chihuahua2026", "Violeta-demo-2026")."""

    def __init__(self, min_own_characters: int = MIN_OWN_CHARACTERS):
        self.min_own_characters = min_own_characters

    def validate(self, password, user=None):
        weak = set(_weak_words()) | _place_words()
        plain = _plain(password)
        forms = {plain, plain.translate(LEET)}
        if min(_own_characters(form, weak) for form in forms) < self.min_own_characters:
            raise ValidationError(
                _(
                    "This password is too easy to guess: it is made of the institute's name, the city, a season, "
                    "a date or common words. Add words of your own."
                ),
                code="password_predictable",
            )

    def get_help_text(self):
        return _(
            "Your password can't be built only from the institute's name, the city, dates or common words."
        )
