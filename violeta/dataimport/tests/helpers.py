"""Spreadsheets for the tests, written as the institute's staff would write them."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = [
    "Folio",
    "Nombre(s)",
    "Primer apellido",
    "Segundo apellido",
    "CURP",
    "Fecha de nacimiento",
    "Teléfono",
    "Colonia",
    "Fecha de atención",
    "Área",
    "Modalidad",
    "Estado",
]


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_upload(rows, headers=HEADERS, name="registros.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows, headers))


def csv_upload(rows, headers=HEADERS, name="registros.csv", delimiter=",", encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))
