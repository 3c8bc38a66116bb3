"""The municipality's colonias as data: read from a SEPOMEX extract (CSV), never written into code."""

import csv
from pathlib import Path

DEFAULT_CSV = Path(__file__).parent / "data" / "colonias_chihuahua.csv"
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
