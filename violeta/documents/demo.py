"""Demo documents: a couple of PDFs in each demo lawyer's first case, one of them filed under her legal matter.

``load`` runs after ``legal/demo.py``, whose ``legal.first_matters`` (lawyer, case, matter) say where they go.
Uploaded through the service, so they are encrypted and stored like any other document.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from violeta.core.demo import Demo
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
        demo.counts["documents"] += 2


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
