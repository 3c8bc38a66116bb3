"""Realistic Mexican names, and the ways staff really type them, for evaluating person search (issue 15).

Two parts, both deterministic for a seed (same seed, same people, same queries, on any machine):

- ``people(n, seed=…)``: women (and some men: children and others in a case) with given names, first and second
  surnames drawn with realistic frequencies (María, Guadalupe, "María Guadalupe", "Ana Karen"…; Hernández,
  García, Martínez…, and surnames with particles: "de la Cruz", "del Río", "de los Santos", "de León"), and a
  birth date.
- ``variants(person, seed=…)``: the queries a front desk would type for her, each with its kind (``KINDS``):
  exact, no accents, upper case, one and two typos, every nickname of her given names, "Ma."/"Ma" for María,
  surnames first, one surname only, a missing second given name, particles dropped and glued ("DelaCruz"),
  "y" between surnames.

Each variant carries the text typed in a search box and, where the kind makes sense for a form with one box per
field (the intake's duplicate check), the three fields as typed. Test support shared by the tests and
``bench/person_search.py``; nothing in the application imports it.
"""

import csv
import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# The institute's nickname data file (owned by the matcher, issue 15); used when it exists, else NICKNAMES.
NICKNAMES_CSV = Path(__file__).resolve().parent.parent / "people" / "data" / "hipocoristicos.csv"

# Nickname (hipocorístico) → the given name it stands for. A small built-in map until the data file exists.
NICKNAMES = {
    "Lupita": "Guadalupe",
    "Lupe": "Guadalupe",
    "Gpe": "Guadalupe",
    "Chayo": "Rosario",
    "Lety": "Leticia",
    "Paty": "Patricia",
    "Lulú": "Lourdes",
    "Conchita": "Concepción",
    "Concha": "Concepción",
    "Magos": "Margarita",
    "Cuca": "Refugio",
    "Coco": "Socorro",
    "Lola": "Dolores",
    "Paquita": "Francisca",
    "Chepina": "Josefina",
    "Pepa": "Josefina",
    "Tere": "Teresa",
    "Ale": "Alejandra",
    "Gaby": "Gabriela",
}

PARTICLES = ("de", "del", "la", "las", "los", "y")

KINDS = (
    "exact",
    "no_accents",
    "upper",
    "typo1",
    "typo2",
    "nickname",
    "ma",
    "surnames_first",
    "one_surname",
    "missing_given",
    "particles_dropped",
    "particles_glued",
    "y_between",
)

# Given names of women, weighted roughly as they occur among women born 1950–2010 in northern Mexico. A second
# given name is drawn from SECOND_GIVEN for some of them (María Guadalupe, María del Carmen…).
WOMEN_GIVEN = {
    "María": 60,
    "Guadalupe": 14,
    "Juana": 8,
    "Margarita": 8,
    "Verónica": 7,
    "Leticia": 7,
    "Patricia": 7,
    "Francisca": 5,
    "Teresa": 5,
    "Alejandra": 7,
    "Gabriela": 7,
    "Elizabeth": 6,
    "Martha": 6,
    "Adriana": 6,
    "Araceli": 4,
    "Silvia": 5,
    "Claudia": 6,
    "Yolanda": 5,
    "Josefina": 5,
    "Rosario": 4,
    "Dolores": 4,
    "Concepción": 3,
    "Lourdes": 3,
    "Refugio": 2,
    "Socorro": 3,
    "Rosa": 6,
    "Ana": 9,
    "Karla": 5,
    "Daniela": 5,
    "Fernanda": 3,
    "Mariana": 4,
    "Ximena": 3,
    "Valeria": 4,
    "Andrea": 4,
    "Sofía": 3,
    "Diana": 4,
    "Laura": 5,
    "Isabel": 3,
    "Carmen": 4,
    "Norma": 4,
    "Sandra": 5,
    "Mónica": 4,
    "Elena": 2,
    "Beatriz": 3,
    "Alicia": 3,
    "Angélica": 3,
    "Irma": 3,
    "Susana": 3,
    "Lucía": 3,
    "Esperanza": 3,
    "Cecilia": 3,
    "Brenda": 4,
    "Karina": 3,
    "Jessica": 3,
    "Jazmín": 2,
    "Paola": 3,
    "Itzel": 2,
    "Citlali": 1,
    "Xóchitl": 1,
    "Luz": 4,
    "Blanca": 3,
    "Erika": 3,
    "Nancy": 3,
    "Miriam": 2,
    "Estela": 2,
    "Ofelia": 1,
    "Graciela": 2,
    "Mercedes": 1,
    "Azucena": 1,
    "Dulce": 2,
    "Perla": 2,
    "Yesenia": 2,
}
# Second given names, and how often each follows the first (María is followed by one more often than not).
SECOND_GIVEN = {
    "Guadalupe": 12,
    "del Carmen": 6,
    "de Jesús": 5,
    "Elena": 5,
    "Teresa": 4,
    "Isabel": 4,
    "Dolores": 3,
    "de los Ángeles": 4,
    "del Rosario": 3,
    "Luisa": 4,
    "Fernanda": 4,
    "José": 2,
    "Concepción": 2,
    "Socorro": 2,
    "Magdalena": 2,
    "Cristina": 3,
    "Karen": 4,
    "Laura": 3,
    "Patricia": 2,
    "Alejandra": 3,
    "Gabriela": 2,
    "Esther": 2,
    "Eugenia": 2,
    "Inés": 1,
    "Refugio": 1,
    "Victoria": 2,
    "Belén": 1,
}
# Chance that a first given name takes a second one.
SECOND_GIVEN_RATE = {"María": 0.85, "Ana": 0.6, "Rosa": 0.5, "Luz": 0.6, "Dulce": 0.5}
SECOND_GIVEN_DEFAULT = 0.18

MEN_GIVEN = {
    "José": 20,
    "Juan": 14,
    "Luis": 8,
    "Jesús": 7,
    "Francisco": 7,
    "Miguel": 6,
    "Carlos": 6,
    "Antonio": 6,
    "Jorge": 5,
    "Alejandro": 5,
    "Pedro": 4,
    "Manuel": 4,
    "Ricardo": 3,
    "Fernando": 3,
    "Roberto": 3,
    "Diego": 3,
    "Ángel": 3,
    "Santiago": 3,
    "Emiliano": 2,
}
MEN_SECOND = {
    "Luis": 6,
    "Carlos": 5,
    "Antonio": 5,
    "Manuel": 4,
    "de Jesús": 4,
    "Ángel": 3,
    "Francisco": 2,
    "Alberto": 2,
    "Eduardo": 2,
}
MEN_RATE = 0.12  # the institute serves women; men appear as children or others in a case
MEN_SECOND_RATE = 0.45

# Surnames, weighted roughly by their share of the population (Hernández ≈ 5 %, García ≈ 3.5 %…), with the
# northern ones (Chihuahua) a little more frequent than nationally. Surnames with particles included.
SURNAMES = {
    "Hernández": 53,
    "García": 36,
    "Martínez": 33,
    "López": 30,
    "González": 28,
    "Rodríguez": 22,
    "Pérez": 20,
    "Sánchez": 19,
    "Ramírez": 18,
    "Flores": 14,
    "Cruz": 11,
    "Gómez": 12,
    "Morales": 9,
    "Vázquez": 9,
    "Reyes": 9,
    "Jiménez": 9,
    "Torres": 8,
    "Díaz": 8,
    "Gutiérrez": 8,
    "Ruiz": 7,
    "Mendoza": 7,
    "Aguilar": 7,
    "Ortiz": 6,
    "Moreno": 6,
    "Castillo": 6,
    "Romero": 6,
    "Álvarez": 6,
    "Méndez": 5,
    "Chávez": 6,
    "Rivera": 5,
    "Juárez": 5,
    "Ramos": 5,
    "Domínguez": 5,
    "Herrera": 5,
    "Medina": 5,
    "Castro": 5,
    "Vargas": 4,
    "Guzmán": 4,
    "Velázquez": 4,
    "Muñoz": 4,
    "Rojas": 4,
    "Contreras": 4,
    "Salazar": 4,
    "Luna": 4,
    "Ortega": 4,
    "Guerrero": 3,
    "Estrada": 3,
    "Cortés": 3,
    "Soto": 4,
    "Alvarado": 3,
    "Espinoza": 3,
    "Lara": 3,
    "Ávila": 3,
    "Ríos": 3,
    "Silva": 3,
    "Delgado": 3,
    "Vega": 3,
    "Márquez": 3,
    "Sandoval": 3,
    "Carrillo": 3,
    "León": 2,
    "Mejía": 2,
    "Solís": 2,
    "Ibarra": 3,
    "Valdez": 3,
    "Núñez": 3,
    "Campos": 2,
    "Navarro": 2,
    "Peña": 3,
    "Maldonado": 2,
    "Rosales": 2,
    "Acosta": 3,
    "Molina": 2,
    "Ochoa": 2,
    "Duarte": 3,
    "Villalobos": 2,
    "Chacón": 2,
    "Olivas": 2,
    "Holguín": 2,
    "Loya": 2,
    "Baca": 2,
    "Ornelas": 2,
    "Carrasco": 2,
    "Nevárez": 2,
    "Rascón": 1,
    "Meléndez": 1,
    "Portillo": 2,
    "Armendáriz": 1,
    "Terrazas": 1,
    "Quezada": 1,
    "Zamarripa": 1,
    "Anchondo": 1,
    "Muñiz": 1,
    "de la Cruz": 5,
    "del Río": 2,
    "de los Santos": 2,
    "de León": 3,
    "de la Rosa": 2,
    "de la Torre": 2,
    "del Ángel": 1,
    "de la Garza": 1,
    "de Anda": 1,
    "de la O": 1,
}
NO_SECOND_SURNAME_RATE = 0.03  # registered with one surname only

_BIRTH_FIRST = date(1950, 1, 1)
_BIRTH_DAYS = (date(2012, 12, 31) - _BIRTH_FIRST).days


@dataclass(frozen=True)
class PersonName:
    """A person as registered: her names, kept as fields, and her birth date."""

    given_names: str
    first_surname: str
    second_surname: str
    birth_date: date
    sex: str = "M"  # "M" mujer, "H" hombre, as the CURP writes it

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)

    @property
    def identity(self) -> tuple:
        """What makes two records the same person for scoring: the same names and the same birth date."""
        return (self.given_names, self.first_surname, self.second_surname, self.birth_date)


@dataclass(frozen=True)
class Variant:
    """A query typed for ``person``: its ``kind`` (one of KINDS), the ``text`` typed in one search box, and the
    three ``fields`` (given names, first surname, second surname) as typed in a form with one box each, or None
    where the kind is about the words' order in one box (surnames first, "y" between surnames)."""

    kind: str
    text: str
    fields: tuple[str, str, str] | None
    person: PersonName
    detail: str = ""


class _Weighted:
    """``random.choices`` over a fixed table, with the cumulative weights computed once."""

    def __init__(self, table: dict[str, float]):
        self.values = list(table)
        total, self.cumulative = 0.0, []
        for weight in table.values():
            total += weight
            self.cumulative.append(total)

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


_WOMEN, _SECOND = _Weighted(WOMEN_GIVEN), _Weighted(SECOND_GIVEN)
_MEN, _MEN_SECOND = _Weighted(MEN_GIVEN), _Weighted(MEN_SECOND)
_SURNAMES = _Weighted(SURNAMES)


def person(rng: random.Random) -> PersonName:
    """One person drawn with ``rng``."""
    if rng.random() < MEN_RATE:
        sex, first = "H", _MEN.draw(rng)
        second = _MEN_SECOND.draw(rng) if rng.random() < MEN_SECOND_RATE else ""
    else:
        sex, first = "M", _WOMEN.draw(rng)
        second = ""
        if rng.random() < SECOND_GIVEN_RATE.get(first, SECOND_GIVEN_DEFAULT):
            second = _SECOND.draw(rng)
            if first == "Ana" and rng.random() < 0.4:
                second = "Karen"
            if first == "Rosa" and rng.random() < 0.6:
                second = "María"
            if first == "Luz" and rng.random() < 0.7:
                second = "María"
    if second == first:
        second = ""
    given = f"{first} {second}".strip()
    surname1 = _SURNAMES.draw(rng)
    surname2 = "" if rng.random() < NO_SECOND_SURNAME_RATE else _SURNAMES.draw(rng)
    born = _BIRTH_FIRST + timedelta(days=rng.randrange(_BIRTH_DAYS))
    return PersonName(given, surname1, surname2, born, sex)


def people(n: int, *, seed: int = 15) -> list[PersonName]:
    """``n`` people, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311 (seeded test data, not a secret)
    return [person(rng) for _ in range(n)]


_NICKNAME_HEADERS = ("hipocoristico", "hipocorístico", "nickname", "apodo", "alias", "variante", "variant")
_NAME_HEADERS = ("nombre", "name", "given_name", "canonical", "canonico", "canónico", "forma")


def load_nicknames(path: Path = NICKNAMES_CSV) -> list[tuple[str, str]]:
    """(nickname, given name) pairs, sorted: from the institute's data file if it exists, else NICKNAMES.

    The file is read as CSV: lines starting with # are skipped; a header row naming its columns (hipocorístico /
    nickname, nombre / name…) says which is which, otherwise the first column is the nickname and the second the
    name. A nickname may stand for several names (one row each). "Ma."/"Ma" are left out: abbreviations of María
    are a kind of their own ("ma").
    """
    if not path.exists():
        return sorted(NICKNAMES.items())
    found: set[tuple[str, str]] = set()
    nick_col, name_col, first = 0, 1, True
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            cells = [cell.strip() for cell in row]
            if len(cells) < 2 or not cells[0] or cells[0].startswith("#"):
                continue
            if first:
                first = False
                lowered = [cell.lower() for cell in cells]
                nick = [i for i, cell in enumerate(lowered) if cell in _NICKNAME_HEADERS]
                name = [i for i, cell in enumerate(lowered) if cell in _NAME_HEADERS]
                if nick or name:
                    nick_col = nick[0] if nick else 1 - name[0]
                    name_col = name[0] if name else 1 - nick[0]
                    continue
            nickname, given = cells[nick_col], cells[name_col]
            if nickname and given and nickname.rstrip(".").lower() != "ma":
                # As staff type them: "lupita" in the file is typed "Lupita".
                found.add((nickname[:1].upper() + nickname[1:], given))
    return sorted(found) or sorted(NICKNAMES.items())


def strip_accents(text: str) -> str:
    """Text as typed on a keyboard without accents: diacritics gone, ñ typed as n too."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(text: str) -> str:
    return strip_accents(text).lower()


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one slip of the fingers: a letter replaced, dropped, doubled or swapped with the next."""
    for _ in range(20):
        i = rng.randrange(1, len(word)) if len(word) > 1 else 0  # the first letter is rarely the wrong one
        how = rng.choice(("replace", "drop", "insert", "swap"))
        if how == "replace":
            out = word[:i] + rng.choice(_LETTERS) + word[i + 1 :]
        elif how == "drop" and len(word) > 3:
            out = word[:i] + word[i + 1 :]
        elif how == "insert":
            out = word[:i] + rng.choice(_LETTERS) + word[i:]
        elif how == "swap" and i < len(word) - 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            continue
        if _fold(out) != _fold(word):
            return out
    return word + "x"


def _is_particle(word: str) -> bool:
    return _fold(word) in PARTICLES


def _typo_slots(fields: list[list[str]]) -> list[tuple[int, int]]:
    """(field, word) positions worth a typo: words of 4 letters or more, not particles."""
    return [
        (f, w)
        for f, words in enumerate(fields)
        for w, word in enumerate(words)
        if len(word) >= 4 and not _is_particle(word)
    ]


def _with_typos(p: PersonName, count: int, rng: random.Random) -> tuple[str, str, str]:
    fields = [p.given_names.split(), p.first_surname.split(), p.second_surname.split()]
    slots = _typo_slots(fields)
    chosen = rng.sample(slots, min(count, len(slots)))
    if len(chosen) < count and chosen:  # one long word only: two slips in it
        chosen.append(chosen[0])
    for f, w in chosen:
        fields[f][w] = typo(fields[f][w], rng)
    return tuple(" ".join(words) for words in fields)


def _drop_particles(text: str) -> str:
    return " ".join(w for w in text.split() if _fold(w) not in PARTICLES)


def _glue_particles(text: str) -> str:
    """Particles glued to the surname, capitalised: "de la Cruz" → "DelaCruz", "del Río" → "DelRío"."""
    words = text.split()
    if len(words) < 2 or _fold(words[0]) not in PARTICLES:
        return text
    return words[0][:1].upper() + words[0][1:] + "".join(words[1:])


def _text(fields: tuple[str, str, str]) -> str:
    return " ".join(f for f in fields if f)


def variants(
    p: PersonName, *, seed: int = 15, nicknames: list[tuple[str, str]] | None = None
) -> list[Variant]:
    """Every query of KINDS that applies to ``p`` (nicknames: one per nickname of one of her given names; "ma":
    "Ma." and "Ma"), deterministic for ``seed``. ``nicknames``: (nickname, name) pairs, by default
    ``load_nicknames()`` (pass them when calling in a loop: the file is read each time)."""
    key = f"{seed}|{p.given_names}|{p.first_surname}|{p.second_surname}|{p.birth_date}"
    rng = random.Random(key)  # noqa: S311 (seeded test data, not a secret)
    nicknames = load_nicknames() if nicknames is None else nicknames
    given, first, second = exact = (p.given_names, p.first_surname, p.second_surname)
    out: list[Variant] = []

    def add(kind, fields, *, text=None, detail=""):
        out.append(Variant(kind, text if text is not None else _text(fields), fields, p, detail))

    add("exact", exact)
    add("no_accents", tuple(strip_accents(f) for f in exact))
    add("upper", tuple(f.upper() for f in exact))
    add("typo1", _with_typos(p, 1, rng))
    add("typo2", _with_typos(p, 2, rng))
    given_words = {_fold(w) for w in given.split()}
    for nickname, name in nicknames:
        if _fold(name) in given_words or _fold(name) == _fold(given):
            # She is called by the nickname alone, whatever her other given name ("María Guadalupe" is Lupita).
            add("nickname", (nickname, first, second), detail=f"{nickname} → {name}")
    if "maria" in given_words:
        for abbreviation in ("Ma.", "Ma"):
            words = [abbreviation if _fold(w) == "maria" else w for w in given.split()]
            add("ma", (" ".join(words), first, second), detail=abbreviation)
    out.append(Variant("surnames_first", _text((first, second, given)), None, p))
    if second:
        add("one_surname", (given, first, ""))
    given_parts = [w for w in given.split() if _fold(w) not in PARTICLES]
    if len(given_parts) > 1:
        add("missing_given", (given_parts[0], first, second))
    if any(_fold(w) in PARTICLES for w in f"{given} {first} {second}".split()):
        add("particles_dropped", tuple(_drop_particles(f) for f in exact))
    if any(_fold(w.split()[0]) in PARTICLES for w in (first, second) if w):
        add("particles_glued", (given, _glue_particles(first), _glue_particles(second)))
    if second:
        out.append(Variant("y_between", f"{given} {first} y {second}", None, p))
    return out
