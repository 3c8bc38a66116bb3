"""Small evidence files made in the tests (no binary fixtures): photos with GPS, audio of each kind, and the
evidence items of the authorization matrix."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from violeta.cases.models import Case
from violeta.documents.models import EvidenceKind
from violeta.documents.services import document_upload
from violeta.legal.tests.factories import case_lawyer

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (28.0, 38.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (106.0, 5.0, 20.1),
}


def photo_with_gps(
    *, taken: str = "2026:11:20 18:45:10", size=(64, 48), orientation: int | None = None
) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera, the date taken, GPS, an XMP packet and a comment."""
    image = Image.new("RGB", size, (180, 60, 60))
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1] // 4))  # a mark to see the orientation applied
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Teléfono"
    exif[ExifTags.Base.Artist] = "Maria Lopez"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>Chihuahua GPS 28.63</rdf:RDF></x:xmpmeta>'
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=xmp, comment=b"casa de Maria")
    return out.getvalue()


def png_with_text() -> bytes:
    """A screenshot as PNG with text chunks (tEXt, iTXt) that name a place and a person, and an eXIf chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Calle Falsa 123, Chihuahua")
    info.add_itxt("Author", "Maria Lopez")
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (240, 240, 240)).save(out, "PNG", pnginfo=info, exif=exif)
    return out.getvalue()


def heic_photo() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:10:01 09:30:00"
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="HEIF", exif=exif.tobytes(), quality=60)
    return out.getvalue()


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packet: bytes, *, sequence: int, flags: int, granule: int = 0) -> bytes:
    lacing = [255] * (len(packet) // 255) + [len(packet) % 255]
    header = struct.pack("<4sBBqIII", b"OggS", 0, flags, granule, 0x56494F4C, sequence, 0)
    page = header + bytes([len(lacing)]) + bytes(lacing) + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def ogg_opus(frames: int = 50) -> bytes:
    """A second of silence as WhatsApp sends voice notes: Ogg pages with OpusHead, OpusTags and 20 ms frames."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 6) + b"violet" + struct.pack("<I", 0)
    silence = b"\xf8\xff\xfe"  # one CELT frame of silence, 20 ms
    pages = [_ogg_page(head, sequence=0, flags=2), _ogg_page(tags, sequence=1, flags=0)]
    pages.append(_ogg_page(silence * 1, sequence=2, flags=0, granule=312 + 960))
    for index in range(1, frames):
        last = index == frames - 1
        pages.append(
            _ogg_page(silence, sequence=2 + index, flags=4 if last else 0, granule=312 + 960 * (index + 1))
        )
    return b"".join(pages)


def mp3(frames: int = 40, *, id3: bool = True) -> bytes:
    """About a second of MPEG-1 Layer III silence (128 kbit/s, 44.1 kHz), with an ID3v2 tag in front."""
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    tag = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"TIT2\x00\x00\x00\x00\x00\x00" if id3 else b""
    return tag + frame * frames


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


LOCATION = b"+28.6312-106.0889+1420.000/"


def mp4(handlers=(b"soun",), brand: bytes = b"M4A ", *, location: bool = False) -> bytes:
    """An ISO BMFF file with one track per handler: ``soun`` alone is an M4A voice memo; ``vide`` is a video.
    With ``location``, the place of the recording as Voice Memos writes it (``moov/udta/©xyz``)."""
    ftyp = _box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"isommp42")
    tracks = b"".join(
        _box(b"trak", _box(b"mdia", _box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 12 + b"\x00")))
        for handler in handlers
    )
    if location:
        tracks += _box(b"udta", _box(b"\xa9xyz", struct.pack(">HH", len(LOCATION), 0x15C7) + LOCATION))
    return ftyp + _box(b"moov", tracks) + _box(b"mdat", zlib.compress(b"\x00" * 64))


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_evidence(case: Case, by, *, kind=EvidenceKind.AUDIO, file=None, title="Nota de voz", **extra):
    file = file or upload("nota.ogg", ogg_opus(5), "audio/ogg")
    return document_upload(by=by, case=case, title=title, file=file, evidence_kind=kind, **extra)


# For the authorization matrix: an evidence item (a voice note) of the case under test.
def evidence_kwargs(world) -> dict:
    case = world["case"]
    return {"public_id": make_evidence(case, case_lawyer(case)).public_id}
