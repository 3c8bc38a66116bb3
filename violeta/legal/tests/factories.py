"""Legal matters, hearings and documents for tests, made through the services (audit and timeline included)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from violeta.accounts.models import Role
from violeta.cases.models import Case
from violeta.documents.services import document_upload
from violeta.legal.models import MatterKind
from violeta.legal.services import hearing_schedule, matter_open

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_file(name: str = "acta.pdf", content: bytes = TINY_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def case_lawyer(case: Case):
    return case.team_members.filter(user__role=Role.LEGAL).select_related("user__area").first().user


def make_matter(case: Case, by=None, **extra):
    by = by or case_lawyer(case)
    return matter_open(case=case, by=by, kind=extra.pop("kind", MatterKind.ALIMONY), **extra)


def make_hearing(matter, by=None, *, starts_at=None, **extra):
    return hearing_schedule(
        matter=matter,
        by=by or matter.responsible,
        starts_at=starts_at or timezone.now() + timedelta(days=3),
        place=extra.pop("place", "Juzgado Primero de lo Familiar"),
        **extra,
    )


def make_document(case: Case, by, *, matter=None, title: str = "Acta de nacimiento", file=None):
    return document_upload(by=by, case=case, matter=matter, title=title, file=file or pdf_file())


# For the authorization matrix: the URL kwargs of objects hanging off the case under test.
def matter_kwargs(world) -> dict:
    return {"pk": make_matter(world["case"]).pk}


def hearing_kwargs(world) -> dict:
    return {"pk": make_hearing(make_matter(world["case"])).pk}


def document_kwargs(world) -> dict:
    case = world["case"]
    return {"public_id": make_document(case, case_lawyer(case)).public_id}
