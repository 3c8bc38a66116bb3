"""Attendees from the spreadsheet an organisation sends (Excel .xlsx, or .csv as Excel saves it): read, checked
row by row, and shown as a preview in which every bad row says in Spanish what is wrong; only the good rows are
registered, once staff confirm (``services.attendees_import``)."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from violeta.core.text import strip_accents
from violeta.programs.models import AgeGroup, Sex

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
# Header words (accents and case ignored) -> field. The first row must hold the headers.
HEADERS = {
    "nombre": "full_name",
    "nombre completo": "full_name",
    "nombre y apellidos": "full_name",
    "sexo": "sex",
    "edad": "age",
    "grupo de edad": "age",
    "cargo": "role",
    "puesto": "role",
    "cargo o funcion": "role",
    "organizacion": "organization_name",
    "empresa": "organization_name",
    "escuela": "organization_name",
    "dependencia": "organization_name",
    "correo": "email",
    "correo electronico": "email",
    "email": "email",
}
SEX_WORDS = {
    "mujer": Sex.WOMAN,
    "m": Sex.WOMAN,
    "f": Sex.WOMAN,
    "femenino": Sex.WOMAN,
    "hombre": Sex.MAN,
    "h": Sex.MAN,
    "masculino": Sex.MAN,
    "otro": Sex.OTHER,
    "otra": Sex.OTHER,
    "no binario": Sex.OTHER,
    "prefiere no decir": Sex.UNSAID,
    "no dice": Sex.UNSAID,
}
AGE_GROUP_WORDS = {strip_accents(str(label)).lower(): value for value, label in AgeGroup.choices} | {
    value: value for value in AgeGroup.values
}


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it (the header is row 1)
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def sex_label(self) -> str:
        return Sex(self.data["sex"]).label if self.data.get("sex") else ""

    @property
    def age_label(self) -> str:
        return AgeGroup(self.data["age_group"]).label if self.data.get("age_group") else ""


def _fold(value) -> str:
    return " ".join(strip_accents(str(value or "")).lower().replace("_", " ").split())


def _age_group(value) -> str | None:
    text = _fold(value)
    if text in AGE_GROUP_WORDS:
        return AGE_GROUP_WORDS[text]
    try:
        age = int(float(text))
    except ValueError:
        return None
    if not 0 < age < 120:
        return None
    for group, low in (
        (AgeGroup.FROM_60, 60),
        (AgeGroup.FROM_45, 45),
        (AgeGroup.FROM_30, 30),
        (AgeGroup.FROM_18, 18),
    ):
        if age >= low:
            return group
    return AgeGroup.UNDER_18


def _table(upload) -> list[list]:
    """The cells of the first sheet (xlsx) or of the CSV, as lists of values."""
    name = (getattr(upload, "name", "") or "").lower()
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than 2 MB. Split it, or keep only the attendees' columns.")
        )
    if name.endswith(".xlsx") or content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # any unreadable workbook (zip, XML, styles) gets the same answer
            raise ValidationError(_("The file could not be read as an Excel workbook (.xlsx).")) from exc
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    if name.endswith(".csv") or not name:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        try:
            dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return list(csv.reader(io.StringIO(text), dialect))[: MAX_ROWS + 2]
    raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."))


def read_attendees(upload, *, already: set[str] = frozenset()) -> list[Row]:
    """Every data row of the spreadsheet, checked. ``already``: folded names registered for the training."""
    table = [row for row in _table(upload) if any(str(cell or "").strip() for cell in row)]
    if not table:
        raise ValidationError(_("The file is empty."))
    columns = {i: HEADERS.get(_fold(cell)) for i, cell in enumerate(table[0])}
    if "full_name" not in columns.values():
        raise ValidationError(
            _("The first row must hold the column names; a column “Nombre” is needed (also “Sexo”, “Edad”).")
        )
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("The file has more than %(n)s attendees: split it.") % {"n": MAX_ROWS})
    seen = set(already)
    rows = []
    for offset, cells in enumerate(table[1:], start=2):
        values = {columns[i]: cell for i, cell in enumerate(cells) if columns.get(i)}
        row = Row(number=offset)
        name = " ".join(str(values.get("full_name") or "").split())
        if not name:
            row.errors.append(_("the name is missing"))
        elif len(name) > 150:
            row.errors.append(_("the name is longer than 150 characters"))
        elif _fold(name) in seen:
            row.errors.append(_("%(name)s is already on the list") % {"name": name})
        sex = SEX_WORDS.get(_fold(values.get("sex")))
        if sex is None:
            row.errors.append(_("the sex must be Mujer, Hombre, Otro or Prefiere no decir"))
        age_group = _age_group(values.get("age"))
        if age_group is None:
            row.errors.append(_("the age must be a number of years or a group such as 18 a 29"))
        email = str(values.get("email") or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.errors.append(_("the e-mail is not valid"))
        row.data = {
            "full_name": name,
            "sex": sex or "",
            "age_group": age_group or "",
            "role": str(values.get("role") or "").strip()[:100],
            "organization_name": str(values.get("organization_name") or "").strip()[:150],
            "email": email,
        }
        if name:
            seen.add(_fold(name))
        rows.append(row)
    return rows


def fold_name(name: str) -> str:
    return _fold(name)
