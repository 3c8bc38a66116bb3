"""Demo legal matters, hearings in the coming days and a couple of documents, built through the services.

Called by ``core.demo.DemoBuilder.build`` once the case files exist. Deterministic: the same cases, kinds and
times on every run; the hearings fall on the next working days after the day the demo is built, so the lawyer's
desk always has something coming up.
"""

from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.documents.services import document_upload
from violeta.legal.models import HearingKind, MatterKind, MatterStage
from violeta.legal.services import hearing_schedule, matter_open, matter_stage_set

PLAN = (
    # kind, authority, stages reached after advice, hearing kind or None
    (
        MatterKind.ALIMONY,
        "Juzgado Primero de lo Familiar",
        (MatterStage.PREPARATION, MatterStage.FILED),
        "hearing",
    ),
    (
        MatterKind.DIVORCE,
        "Juzgado Segundo de lo Familiar",
        (MatterStage.FILED, MatterStage.IN_PROCESS),
        "hearing",
    ),
    (MatterKind.CIVIL_RECORDS, "Oficialía del Registro Civil", (MatterStage.PREPARATION,), "appointment"),
    (MatterKind.CUSTODY, "Juzgado Tercero de lo Familiar", (MatterStage.FILED,), "deadline"),
    (MatterKind.PATERNITY, "Juzgado Primero de lo Familiar", (), None),
    (MatterKind.PROTECTION_ORDER, "Fiscalía Especializada en Atención a Mujeres Víctimas", (), "hearing"),
    (MatterKind.CRIMINAL_COMPLAINT, "Fiscalía Especializada en Atención a Mujeres Víctimas", (), None),
)
PLACES = {
    HearingKind.HEARING: "Ciudad Judicial, Sala 4",
    HearingKind.APPOINTMENT: "Registro Civil, ventanilla 2",
    HearingKind.DEADLINE: "",
}


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


def _working_days(start, count):
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
            yield day


def build_legal(*, users: dict, per_lawyer: int = 5) -> dict[str, int]:
    counts = {"legal_matters": 0, "hearings": 0, "documents": 0}
    lawyers = [users["abogada"], users["abogada2"]]
    days = list(_working_days(timezone.localdate(), per_lawyer * len(lawyers)))
    tz = timezone.get_current_timezone()
    slot = 0
    for lawyer_index, lawyer in enumerate(lawyers):
        cases = list(
            Case.objects.filter(status__in=ACTIVE_STATUSES, team_members__user=lawyer).order_by("pk")[
                :per_lawyer
            ]
        )
        for index, case in enumerate(cases):
            kind, authority, stages, hearing_kind = PLAN[(index + lawyer_index * 2) % len(PLAN)]
            matter = matter_open(
                case=case,
                by=lawyer,
                kind=kind,
                authority=authority,
                court_file_number=f"{1200 + slot}/2026" if stages else "",
                summary="Asunto de demostración.",
            )
            counts["legal_matters"] += 1
            for stage in stages:
                matter_stage_set(matter=matter, by=lawyer, stage=stage)
            if hearing_kind:
                at = datetime.combine(days[slot % len(days)], time(10 + index % 4, 30), tzinfo=tz)
                hearing_schedule(
                    matter=matter, by=lawyer, starts_at=at, kind=hearing_kind, place=PLACES[hearing_kind]
                )
                counts["hearings"] += 1
            slot += 1
            if index == 0:
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
                counts["documents"] += 2
    return counts
