"""What a file really is, from its first bytes: the extension and the browser's content type are only claims.

Accepted: PDF; JPEG, PNG and HEIC/HEIF images (HEIC is converted to JPEG when stored, see ``images``); voice
messages and recordings in OGG (Opus or Vorbis), M4A (MPEG-4 audio with no video track) and MP3; Word and Excel
(current and 97-2003) and OpenDocument text and spreadsheets. The extension must agree with the content, so a
renamed executable, a video called ``.m4a`` or a PNG called ``.pdf`` is refused; office files with macros are
refused too.
"""

import struct
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
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}
ACCEPT = ",".join(MIME)  # for the file input's ``accept`` attribute: a hint, not a check
IMAGE_EXTENSIONS = {".jpg", ".png", ".heic", ".heif"}
AUDIO_EXTENSIONS = {".ogg", ".oga", ".opus", ".m4a", ".mp3"}
# The stored extension of each accepted one (one name per kind of content).
CANONICAL = {".jpeg": ".jpg"}

HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"dash"}
# The first bytes read to decide (an OGG page's segment table may be 255 bytes long).
HEAD_BYTES = 512


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str

    @property
    def is_image(self) -> bool:
        return self.extension in IMAGE_EXTENSIONS

    @property
    def is_audio(self) -> bool:
        return self.extension in AUDIO_EXTENSIONS


def _type_error():
    return ValidationError(
        _(
            "This kind of file is not accepted. Upload a PDF; a JPEG, PNG or HEIC photo; a voice message in OGG, "
            "M4A or MP3; or a Word, Excel or OpenDocument file."
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


def _ogg_kind(head: bytes) -> set[str]:
    """An Ogg page whose first packet opens an Opus or a Vorbis stream (not an Ogg video)."""
    if len(head) < 28:
        return set()
    segments = head[26]
    packet = head[27 + segments : 27 + segments + 8]
    if packet.startswith(b"OpusHead") or packet.startswith(b"\x01vorbis"):
        return {".ogg", ".oga", ".opus"}
    return set()


def _mp3_frame(head: bytes) -> bool:
    """An MPEG audio Layer III frame header: sync bits, a valid version, bitrate and sample rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0xF) and rate != 0b11


def _boxes(fileobj, start: int, end: int):
    """(type, payload start, payload end) of the ISO BMFF boxes between ``start`` and ``end``."""
    position = start
    while position + 8 <= end:
        fileobj.seek(position)
        header = fileobj.read(16)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header[:8])
        offset = 8
        if size == 1 and len(header) == 16:
            size = struct.unpack(">Q", header[8:16])[0]
            offset = 16
        elif size == 0:
            size = end - position
        if size < offset or position + size > end:
            return
        yield kind, position + offset, position + size
        position += size


def _handlers(fileobj, size: int) -> set[bytes]:
    """The handler types of the tracks of an ISO BMFF file (``soun``, ``vide``...), reading only box headers."""
    found = set()
    for kind, start, end in _boxes(fileobj, 0, size):
        if kind != b"moov":
            continue
        for track, t_start, t_end in _boxes(fileobj, start, end):
            if track != b"trak":
                continue
            for media, m_start, m_end in _boxes(fileobj, t_start, t_end):
                if media != b"mdia":
                    continue
                for box, b_start, _b_end in _boxes(fileobj, m_start, m_end):
                    if box == b"hdlr":
                        fileobj.seek(b_start + 8)  # version and flags, pre_defined
                        found.add(fileobj.read(4))
    return found


def _bmff_kind(fileobj, head: bytes) -> set[str]:
    """HEIC/HEIF images, or MPEG-4 audio with at least one sound track and no video track."""
    size = struct.unpack(">I", head[:4])[0]
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    if head[8:12] in HEIF_BRANDS or (brands & HEIF_BRANDS and b"avif" not in brands):
        return {".heic", ".heif"}
    if brands & MP4_AUDIO_BRANDS:
        fileobj.seek(0, 2)
        total = fileobj.tell()
        try:
            handlers = _handlers(fileobj, total)
        finally:
            fileobj.seek(0)
        if b"soun" in handlers and b"vide" not in handlers:
            return {".m4a"}
    return set()


def detect(fileobj, name: str) -> FileType:
    """The file's type if it is one we accept and its extension says the same; otherwise a ValidationError."""
    extension = PurePath(name or "").suffix.lower()
    if extension not in MIME:
        raise _type_error()
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
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
    elif head.startswith(b"OggS"):
        possible = _ogg_kind(head)
    elif head.startswith(b"ID3") or _mp3_frame(head):
        possible = {".mp3"}
    elif head[4:8] == b"ftyp":
        possible = _bmff_kind(fileobj, head)
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
    return FileType(extension=CANONICAL.get(extension, extension), content_type=MIME[extension])
