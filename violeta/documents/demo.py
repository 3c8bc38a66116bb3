"""Demo documents: a couple of PDFs in each demo lawyer's first case, one of them filed under her legal matter,
and two evidence items (a photo as a phone takes it, with its location, and a voice message).

``load`` runs after ``legal/demo.py``, whose ``legal.first_matters`` (lawyer, case, matter) say where they go.
Uploaded through the service, so they are encrypted and stored like any other document.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from violeta.core.demo import Demo
from violeta.documents.models import EvidenceKind
from violeta.documents.services import document_upload


def load(demo: Demo) -> None:
    for lawyer, case, matter in demo["legal.first_matters"]:
        document_upload(
            by=lawyer,
            case=case,
            title="Acta de nacimiento (copia)",
            file=SimpleUploadedFile("acta-de-nacimiento.pdf", demo_pdf("Acta de nacimiento - copia")),
        )
        document_upload(
            by=lawyer,
            case=case,
            matter=matter,
            title="Demanda inicial",
            file=SimpleUploadedFile("demanda-inicial.pdf", demo_pdf("Demanda inicial")),
        )
        document_upload(
            by=lawyer,
            case=case,
            title="Foto de la lesión en el brazo",
            file=SimpleUploadedFile("IMG_20261120_184510.jpg", demo_photo()),
            evidence_kind=EvidenceKind.PHOTO,
        )
        document_upload(
            by=lawyer,
            case=case,
            title="Mensaje de voz con amenaza",
            file=SimpleUploadedFile("PTT-20261119-WA0003.mp3", demo_mp3()),
            evidence_kind=EvidenceKind.AUDIO,
        )
        demo.counts["documents"] += 4


def demo_photo() -> bytes:
    """A small JPEG as a phone writes it: the date taken and the GPS of where (which the upload removes)."""
    image = Image.new("RGB", (320, 240), (196, 120, 110))
    image.paste((150, 70, 80), (120, 80, 220, 160))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:11:20 18:45:10"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (28.0, 38.0, 12.5),
            ExifTags.GPS.GPSLongitudeRef: "W",
            ExifTags.GPS.GPSLongitude: (106.0, 5.0, 20.1),
        }
    )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def demo_mp3(frames: int = 80) -> bytes:
    """About two seconds of MP3 silence (MPEG-1 Layer III, 128 kbit/s, 44.1 kHz)."""
    return b"\xff\xfb\x90\x64" + b"\x00" * 413 + (b"\xff\xfb\x90\x64" + b"\x00" * 413) * (frames - 1)


def demo_pdf(text: str) -> bytes:
    """A one-page PDF with a line of text (ASCII), small and valid."""
    stream = f"BT /F1 16 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out
