"""What a file really is, from its first bytes: the extension and the browser's content type are only claims.

Accepted: PDF, JPEG and PNG images, Word and Excel (current and 97-2003) and OpenDocument text and
spreadsheets. The extension must agree with the content, so a renamed executable or a PNG called ``.pdf``
is refused; office files with macros are refused too.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

MIME = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}
ACCEPT = ",".join(MIME)  # for the file input's ``accept`` attribute: a hint, not a check


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


def _type_error():
    return ValidationError(
        _(
            "This kind of file is not accepted. Upload a PDF, a JPEG or PNG image, or a Word, Excel or "
            "OpenDocument file."
        ),
        code="file_type",
    )


def _zip_kind(fileobj) -> set[str]:
    """The extensions a ZIP container may stand for, from its inside (never extracting anything)."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if any(name.endswith("vbaProject.bin") for name in names):
                raise ValidationError(
                    _("Office files with macros are not accepted. Save it as a normal document or as PDF."),
                    code="file_macros",
                )
            if "word/document.xml" in names:
                return {".docx"}
            if "xl/workbook.xml" in names:
                return {".xlsx"}
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return {ext for ext in (".odt", ".ods") if MIME[ext] == mimetype}
    except zipfile.BadZipFile:
        return set()
    finally:
        fileobj.seek(0)
    return set()


def detect(fileobj, name: str) -> FileType:
    """The file's type if it is one we accept and its extension says the same; otherwise a ValidationError."""
    extension = PurePath(name or "").suffix.lower()
    if extension not in MIME:
        raise _type_error()
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        possible = {".pdf"}
    elif head.startswith(b"\xff\xd8\xff"):
        possible = {".jpg", ".jpeg"}
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        possible = {".png"}
    elif head.startswith(OLE_MAGIC):
        possible = {".doc", ".xls"}
    elif head.startswith(ZIP_MAGIC):
        possible = _zip_kind(fileobj)
    else:
        possible = set()
    if not possible:
        raise _type_error()
    if extension not in possible:
        raise ValidationError(
            _(
                "The file's content does not match its extension (%(extension)s). Check that it is the right "
                "file and that it was not renamed."
            )
            % {"extension": extension},
            code="file_mismatch",
        )
    return FileType(extension=".jpg" if extension == ".jpeg" else extension, content_type=MIME[extension])
