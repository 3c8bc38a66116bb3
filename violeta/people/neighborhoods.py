"""The municipality's colonias as data: read from a SEPOMEX extract (CSV), never written into code."""

import csv
import re
from functools import cache
from pathlib import Path

DEFAULT_CSV = Path(__file__).parent / "data" / "colonias_chihuahua.csv"
ACCENTS_CSV = Path(__file__).parent / "data" / "acentos_colonias.csv"
COLUMNS = ("codigo_postal", "asentamiento", "tipo_asentamiento", "zona", "municipio", "estado")


def read_csv(path: Path | str = DEFAULT_CSV) -> list[dict]:
    """Rows of a SEPOMEX extract with the columns of COLUMNS, as keyword arguments for Neighborhood."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = set(COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"missing columns: {', '.join(sorted(missing))}")
        return [
            {
                "postal_code": row["codigo_postal"].strip().zfill(5),
                "name": row["asentamiento"].strip(),
                "settlement_type": row["tipo_asentamiento"].strip(),
                "zone": row["zona"].strip(),
                "municipality": row["municipio"].strip(),
                "state": row["estado"].strip(),
            }
            for row in reader
            if row["asentamiento"].strip()
        ]


def load(model, rows: list[dict]) -> int:
    """Insert the rows not yet present; returns how many were added. Safe to run again."""
    fields = ("postal_code", "name", "settlement_type", "municipality")
    existing = set(model.objects.values_list(*fields))
    new = [model(**row) for row in rows if tuple(row[f] for f in fields) not in existing]
    model.objects.bulk_create(new, batch_size=500)
    return len(new)


@cache
def accents() -> dict[str, str]:
    """The reviewed words whose accents the bundled extract lost: lower-case word → the word with its accents."""
    with open(ACCENTS_CSV, newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {row["sin_acento"].strip().lower(): row["con_acento"].strip() for row in rows}


def _as_typed(word: str, accented: str) -> str:
    if word.isupper():
        return accented.upper()
    if word[0].isupper():
        return accented[0].upper() + accented[1:]
    return accented.lower()


def with_accents(name: str) -> str:
    """The name with the reviewed words accented ("Ampliacion Lazaro Cardenas" → "Ampliación Lázaro
    Cárdenas"); whole words only ("Colonia" stays, "Colon" becomes "Colón"), their capitals kept."""
    table = accents()
    return re.sub(
        r"[A-Za-zÀ-ÿ]+",
        lambda m: (
            _as_typed(m.group(0), table[m.group(0).lower()]) if m.group(0).lower() in table else m.group(0)
        ),
        name,
    )
