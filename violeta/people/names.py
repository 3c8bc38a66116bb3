"""Name analysis for finding people: how a name is cut into the words that search and the word index compare.

A name is normalised (``core.text.normalize_name``: accents, case, punctuation, "Ma."/"Gpe"/"Fco" expanded), cut
into words, and the particles of Spanish names (de, del, la, las, los, y) are dropped, so "María de la Luz" and
"Maria Luz" are the same words. A particle glued to a surname ("DelaCruz", "DeLosSantos") is unglued when it
cannot be anything else ("dela…", "delas…", "delos…"); "del…" and "de…" are ambiguous ("Delgado", "Denisse"), so
for a typed query both readings are offered (``word_variants``), while a stored name keeps the word as written.

Hipocorísticos (Lupita → Guadalupe, Chayo → Rosario, Maru → María Eugenia…) are data, not code:
``people/data/hipocoristicos.csv`` (columns ``nickname,full_name``; ``#`` starts a comment), or the file named by
the setting ``PEOPLE_NICKNAMES_FILE`` so the institute can extend it. A new line makes a new nickname work at once:
the file is re-read when it changes.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from violeta.core.text import normalize_name, strip_accents

PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e"})
# Glued particles that only ever mean the particle; "del" and "de" are left to ``word_variants``.
_GLUED = ("delas", "delos", "dela")
_AMBIGUOUS_GLUED = ("del", "de")
DEFAULT_NICKNAMES_FILE = Path(__file__).resolve().parent / "data" / "hipocoristicos.csv"

# How much a query word matching a name word through each kind of variant counts (1.0: as typed).
EXACT = 1.0
NICKNAME = 0.95
UNGLUED = 0.95
# How much of her name each field is in the ranking (people.matching): the first surname identifies most, the
# second surname least.
FIELD_WEIGHTS = {"given": 0.3, "surname1": 0.45, "surname2": 0.25}


def _unglue(word: str) -> str:
    for prefix in _GLUED:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word


# The longest word the index stores (people.models.NameWord.word): a longer one (a name typed without spaces)
# is cut there, the same way when it is indexed and when it is searched.
MAX_WORD_LENGTH = 80


def name_words(text: str) -> list[str]:
    """The words of a name as stored and compared: normalised, particles dropped, sure glued particles split."""
    words = []
    for word in normalize_name(text).split():
        if word in PARTICLES:
            continue
        words.append(_unglue(word)[:MAX_WORD_LENGTH])
    return words


@dataclass(frozen=True)
class NameFields:
    """A person's name cut into words per field: given names, first surname, second surname."""

    given: tuple[str, ...]
    surname1: tuple[str, ...]
    surname2: tuple[str, ...]

    def items(self):
        """(field, position, word) for every word, position counted within its field."""
        for field_name in ("given", "surname1", "surname2"):
            for position, word in enumerate(getattr(self, field_name)):
                yield field_name, position, word


def analyse(given_names: str, first_surname: str, second_surname: str = "") -> NameFields:
    return NameFields(
        given=tuple(name_words(given_names)),
        surname1=tuple(name_words(first_surname)),
        surname2=tuple(name_words(second_surname)),
    )


class Nicknames:
    """The nickname file, read once and again whenever it changes on disk."""

    def __init__(self):
        self._key = None
        self._to_full: dict[str, set[str]] = {}
        self._to_nick: dict[str, set[str]] = {}

    @staticmethod
    def path() -> Path:
        return Path(getattr(settings, "PEOPLE_NICKNAMES_FILE", None) or DEFAULT_NICKNAMES_FILE)

    def _load(self) -> None:
        path = self.path()
        try:
            stat = path.stat()
        except FileNotFoundError:
            key = (str(path), None)
        else:
            key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key == self._key:
            return
        to_full: dict[str, set[str]] = {}
        to_nick: dict[str, set[str]] = {}
        if key[1] is not None:
            with path.open(encoding="utf-8", newline="") as handle:
                lines = (line for line in handle if line.strip() and not line.lstrip().startswith("#"))
                for row in csv.reader(lines):
                    if len(row) < 2 or row[0].strip().lower() == "nickname":
                        continue
                    # The nickname as typed, without expanding it as an abbreviation ("ma." stays "ma").
                    nick = _plain(row[0])
                    full = name_words(row[1])
                    if not nick or not full:
                        continue
                    to_full.setdefault(nick, set()).update(full)
                    for word in full:
                        to_nick.setdefault(word, set()).add(nick)
        self._to_full, self._to_nick, self._key = to_full, to_nick, key

    def full_names(self, word: str) -> set[str]:
        """The name words a nickname stands for ("maru" → {"maria", "eugenia"}); empty if it is none."""
        self._load()
        return self._to_full.get(word, set())

    def nicknames(self, word: str) -> set[str]:
        """The nicknames of a full name word ("guadalupe" → {"lupita", "lupe", "gpe"})."""
        self._load()
        return self._to_nick.get(word, set())


def _plain(text: str) -> str:
    return "".join(ch for ch in strip_accents(text.strip().lower()) if ch.isalnum() or ch == "ñ")


NICKNAMES = Nicknames()


def word_variants(word: str) -> dict[str, float]:
    """The name words a typed query word may stand for, each with how much a match through it counts.

    The word itself (1.0); what it abbreviates or is a nickname of, and the nicknames of it (0.95); the word
    without a glued "del"/"de" ("delrio" → "rio", 0.95). Fuzzy matches (typos) are the matcher's, not here.
    """
    variants = {word: EXACT}
    for other in NICKNAMES.full_names(word) | NICKNAMES.nicknames(word):
        variants.setdefault(other, NICKNAME)
    for prefix in _GLUED + _AMBIGUOUS_GLUED:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            variants.setdefault(word[len(prefix) :], UNGLUED)
            break
    return variants
