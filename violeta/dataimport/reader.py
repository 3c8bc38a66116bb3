"""Reading an uploaded spreadsheet: an Excel workbook (.xlsx, its first sheet) or a CSV file as Excel or a text
editor saves it. The content decides, not the extension: a workbook must really be one (``documents.filetypes``:
a ZIP with a workbook inside, no macros) and a CSV must be text. Size and row limits are settings
(``DATAIMPORT_MAX_BYTES``, ``DATAIMPORT_MAX_ROWS``)."""

import csv
import io
from datetime import date, datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from violeta.dataimport import conf
from violeta.documents import filetypes

BINARY_MAGIC = (
    filetypes.ZIP_MAGIC,
    filetypes.OLE_MAGIC,
    b"%PDF-",
    b"\x7fELF",
    b"MZ",
    b"\x89PNG",
    b"\xff\xd8\xff",
)


def _too_large(size: int):
    return ValidationError(
        _("The file is too large (%(size)s MB). The limit is %(limit)s MB: split it in several files.")
        % {"size": f"{size / 1_048_576:.1f}", "limit": f"{conf.get('DATAIMPORT_MAX_BYTES') / 1_048_576:g}"},
        code="too_large",
    )


def detect_kind(fileobj, name: str) -> str:
    """``"xlsx"`` or ``"csv"`` from the file's bytes (its extension must agree), or a ValidationError."""
    extension = PurePath(name or "").suffix.lower()
    fileobj.seek(0)
    head = fileobj.read(4096)
    fileobj.seek(0)
    if not head:
        raise ValidationError(_("The file is empty."), code="empty")
    if extension == ".xlsx":
        try:
            filetypes.detect(fileobj, name)
        except ValidationError as exc:
            raise ValidationError(exc.messages, code="file_type") from exc
        return "xlsx"
    if extension == ".csv":
        if head.startswith(BINARY_MAGIC) or b"\0" in head:
            raise ValidationError(
                _("The file is called .csv but it is not text. Save the spreadsheet as CSV or as .xlsx."),
                code="file_mismatch",
            )
        return "csv"
    raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."), code="file_type")


def _cell(value):
    """A cell as text, or as a date when the spreadsheet holds one (Excel's date cells)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The CSV file could not be read as text."), code="encoding")  # pragma: no cover


def _csv_rows(fileobj, limit: int):
    text = _decode(fileobj.read())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if number > limit:
            break
        yield [_cell(v) for v in row]


def _xlsx_rows(fileobj, limit: int):
    from openpyxl import load_workbook

    try:
        book = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # any unreadable workbook (zip, XML, styles) gets the same answer
        raise ValidationError(
            _("The file could not be read as an Excel workbook (.xlsx)."), code="unreadable"
        ) from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_row=limit):
            yield [_cell(v) for v in row]
    finally:
        book.close()


def read_table(fileobj, kind: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header row's names and the data rows as ``(row number as the spreadsheet numbers it, cells)``;
    blank rows are skipped. Raises a ValidationError past the row limit or without a header row."""
    limit = conf.get("DATAIMPORT_MAX_ROWS")
    fileobj.seek(0)
    reader = _xlsx_rows if kind == "xlsx" else _csv_rows
    headers: list[str] | None = None
    rows: list[tuple[int, list]] = []
    for number, cells in enumerate(reader(fileobj, limit + 2), start=1):
        if not any(str(c).strip() for c in cells):
            continue
        if headers is None:
            headers = [str(c) for c in cells]
            while headers and not headers[-1]:
                headers.pop()
            continue
        rows.append((number, cells))
        if len(rows) > limit:
            raise ValidationError(
                _("The file has more than %(limit)s rows: split it in several files.")
                % {"limit": f"{limit:,}"},
                code="too_many_rows",
            )
    if not headers:
        raise ValidationError(_("The file is empty: the first row must hold the column names."), code="empty")
    return headers, rows


def check_size(size: int) -> None:
    if size > conf.get("DATAIMPORT_MAX_BYTES"):
        raise _too_large(size)
