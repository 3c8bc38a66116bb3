"""A sample spreadsheet of earlier records, as the institute keeps them: for trying the import as a new user
would (``manage.py import_sample``) and for the tests of large files. Made-up people (Faker, es_MX) with valid
CURPs and phones, colonias of the loaded catalogue, several consultations per case file, and a chosen number
of bad rows, each with one mistake a person makes when typing records."""

import random
from datetime import date, timedelta

from faker import Faker
from stdnum.mx import curp as stdnum_curp

from violeta.core.text import strip_accents
from violeta.people.models import Neighborhood

HEADERS = [
    "Folio",
    "Nombre(s)",
    "Primer apellido",
    "Segundo apellido",
    "CURP",
    "Fecha de nacimiento",
    "Teléfono",
    "Colonia",
    "Código postal",
    "Estado",
    "Fecha de atención",
    "Área",
    "Modalidad",
    "Duración",
    "Observaciones",
]
AREAS = ["Jurídica", "Psicológica", "Trabajo social"]
MODALITIES = ["Presencial", "Telefónica", "Videollamada"]
# One mistake each, as people make them: (column, wrong value).
MISTAKES = [
    ("CURP", "GOMA850312MCHRRR0X"),
    ("Teléfono", "12345"),
    ("Fecha de nacimiento", "31/02/1990"),
    ("Fecha de nacimiento", "12/05/2090"),
    ("Colonia", "Colonia Inventada del Norte"),
    ("Área", "Contabilidad"),
    ("Modalidad", "Por paloma mensajera"),
    ("Fecha de atención", "ayer"),
    ("Primer apellido", ""),
    ("Duración", "mucho"),
]


def _letters(text: str) -> str:
    return "".join(ch for ch in strip_accents(text.upper()).replace("Ñ", "X") if "A" <= ch <= "Z")


def _inner(word: str, vowel: bool) -> str:
    return next((ch for ch in word[1:] if (ch in "AEIOU") == vowel), "X")


def make_curp(given: str, first: str, second: str, born: date, n: int) -> str:
    """A CURP by RENAPO's rules for these data, with a valid check digit (stdnum)."""
    g, f, s = _letters(given), _letters(first), _letters(second)
    head = f[0] + _inner(f, True) + (s[:1] or "X") + g[0]
    if head in stdnum_curp._name_blacklist:
        head = head[0] + "X" + head[2:]
    body = (
        head
        + born.strftime("%y%m%d")
        + "MCH"
        + _inner(f, False)
        + (_inner(s, False) if s else "X")
        + _inner(g, False)
        + (str(n % 10) if born.year < 2000 else "ABCDEFGHIJ"[n % 10])
    )
    return body + stdnum_curp.calc_check_digit(body)


def sample_rows(rows: int = 5000, bad: int = 40, seed: int = 18, today: date | None = None) -> list[list]:
    """``rows`` data rows (after HEADERS) of case files with 1–5 consultations each; ``bad`` of them, spread
    over the file, carry one mistake from MISTAKES."""
    rng = random.Random(seed)  # noqa: S311 - made-up sample data, reproducible by its seed
    fake = Faker("es_MX")
    fake.seed_instance(seed)
    today = today or date.today()
    names = {}
    for hood in Neighborhood.objects.order_by("pk"):
        names.setdefault(hood.name, []).append(hood.postal_code)
    hoods = [(name, cps[0]) for name, cps in names.items() if len(cps) == 1][:200]
    out: list[list] = []
    woman = 0
    while len(out) < rows:
        woman += 1
        given, first, second = fake.first_name_female(), fake.last_name(), fake.last_name()
        born = today - timedelta(days=rng.randint(18 * 365, 70 * 365))
        hood, cp = rng.choice(hoods) if hoods else ("", "")
        phone = f"614{rng.randint(1000000, 9999999)}"
        folio = f"EXP-{2018 + woman % 7}-{woman:05d}"
        closed = rng.random() < 0.7
        start = today - timedelta(days=rng.randint(60, 2500))
        for visit in range(rng.randint(1, 5)):
            if len(out) >= rows:
                break
            out.append(
                [
                    folio,
                    given,
                    first,
                    second,
                    make_curp(given, first, second, born, woman),
                    born.strftime("%d/%m/%Y"),
                    f"{phone[:3]} {phone[3:6]} {phone[6:]}",
                    hood,
                    cp,
                    "Cerrado" if closed else "En seguimiento",
                    (start + timedelta(days=14 * visit)).strftime("%d/%m/%Y"),
                    rng.choice(AREAS),
                    rng.choice(MODALITIES),
                    str(rng.choice([30, 45, 60, 90])),
                    "Seguimiento del caso." if visit else "Primera atención.",
                ]
            )
    if bad:
        step = max(1, len(out) // bad)
        for i in range(bad):
            column, value = MISTAKES[i % len(MISTAKES)]
            out[min(i * step + step // 2, len(out) - 1)][HEADERS.index(column)] = value
    return out


def write_xlsx(path, rows: list[list]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Registros")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
