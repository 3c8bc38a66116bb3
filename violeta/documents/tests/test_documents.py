import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import CaseEvent, EventKind
from violeta.cases.tests.factories import CaseFactory
from violeta.documents.models import Document
from violeta.documents.storage import private_storage
from violeta.documents.tests.factories import photo_with_gps, png_with_text
from violeta.legal.tests.factories import TINY_PDF, make_document, make_matter, pdf_file

pytestmark = pytest.mark.django_db

PNG = png_with_text()  # real images: a stored image is re-encoded from its pixels (see test_evidence.py)
JPEG = photo_with_gps()


def office(entries: dict[str, bytes], name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def stored_files() -> list[Path]:
    root = Path(settings.DOCUMENTS_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- type and size ---------------------------------------------------------------------------------------------


def test_a_pdf_is_kept_outside_the_web_root_under_a_random_name(lawyer):
    case = CaseFactory(opened_by=lawyer)
    document = make_document(case, lawyer, file=pdf_file("Acta de María.pdf"))
    path = Path(private_storage.path(document.file.name))
    assert path.read_bytes() == TINY_PDF
    assert path.is_relative_to(Path(settings.DOCUMENTS_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert "María" not in document.file.name and document.file.name.endswith(".pdf")
    assert document.content_type == "application/pdf" and document.size == len(TINY_PDF)
    assert document.original_name == "Acta de María.pdf"
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DOCUMENT).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="documents.document").exists()
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018


@pytest.mark.parametrize(
    "file",
    [
        SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
        SimpleUploadedFile("foto.JPG", JPEG, content_type="image/jpeg"),
        office({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}, "escrito.docx"),
        office({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}, "gastos.xlsx"),
        office({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}, "carta.odt"),
    ],
    ids=["png", "jpeg", "docx", "xlsx", "odt"],
)
def test_images_and_office_files_are_accepted(lawyer, file):
    document = make_document(CaseFactory(opened_by=lawyer), lawyer, file=file)
    assert document.pk and len(stored_files()) == 1


@pytest.mark.parametrize(
    "file",
    [
        SimpleUploadedFile("acta.pdf", b"esto no es un pdf, es texto", content_type="application/pdf"),
        SimpleUploadedFile("acta.pdf", b"MZ\x90\x00" + b"\x00" * 60, content_type="application/pdf"),
        SimpleUploadedFile("acta.pdf", PNG, content_type="application/pdf"),
        SimpleUploadedFile("programa.exe", b"MZ\x90\x00" + b"\x00" * 60, content_type="image/png"),
        SimpleUploadedFile("pagina.html", b"<html><script>alert(1)</script>", content_type="text/html"),
        SimpleUploadedFile("foto.png", TINY_PDF, content_type="image/png"),
        office({"word/document.xml": b"<w/>", "word/vbaProject.bin": b"macro"}, "escrito.docx"),
        office({"otro.txt": b"x"}, "escrito.docx"),
    ],
    ids=[
        "text-as-pdf",
        "exe-as-pdf",
        "png-as-pdf",
        "exe",
        "html",
        "pdf-as-png",
        "docx-macros",
        "zip-as-docx",
    ],
)
def test_wrong_or_disguised_types_are_refused_and_nothing_is_stored(lawyer, file):
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(ValidationError) as error:
        make_document(case, lawyer, file=file)
    assert "file" in error.value.error_dict
    assert not Document.objects.exists()
    assert stored_files() == []


def test_size_limit_from_settings(lawyer, settings):
    settings.DOCUMENTS_MAX_BYTES = 1024
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(ValidationError) as error:
        make_document(case, lawyer, file=pdf_file(content=TINY_PDF + b"0" * 2000))
    assert "file" in error.value.error_dict
    with pytest.raises(ValidationError):
        make_document(case, lawyer, file=pdf_file(content=b""))
    assert not Document.objects.exists() and stored_files() == []
    assert make_document(case, lawyer, file=pdf_file()).pk


def test_upload_page_shows_spanish_errors_and_stores_nothing(client, lawyer, settings):
    settings.DOCUMENTS_MAX_BYTES = 1024
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    url = reverse("documents:upload", kwargs={"folio": case.folio})
    fake = SimpleUploadedFile("acta.pdf", b"no soy un pdf", content_type="application/pdf")
    response = client.post(url, {"title": "Acta", "file": fake})
    assert response.status_code == 200
    assert "Este tipo de archivo no se acepta" in response.content.decode()
    big = pdf_file(content=TINY_PDF + b"0" * 2000)
    response = client.post(url, {"title": "Acta", "file": big})
    assert "demasiado grande" in response.content.decode()
    assert not Document.objects.exists() and stored_files() == []
    response = client.post(url, {"title": "Acta de nacimiento", "file": pdf_file()})
    assert response.status_code == 302
    assert Document.objects.get().title == "Acta de nacimiento"


# --- downloads -------------------------------------------------------------------------------------------------


def download(client, user, document):
    client.force_login(user)
    return client.get(reverse("documents:download", kwargs={"public_id": document.public_id}))


def test_team_downloads_an_attachment_and_the_download_is_audited(client, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    document = make_document(case, lawyer, file=pdf_file("acta.pdf"))
    response = download(client, psychologist, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(
        actor=psychologist, action=Action.VIEW, object_type="documents.document"
    )
    assert event.get().case_id == case.pk
    url = reverse("documents:download", kwargs={"public_id": document.public_id})
    assert case.folio not in url and case.holder.first_surname not in url


def test_outsiders_get_404_and_the_refusal_is_audited(
    client, lawyer, outsider, psychologist, social_worker, receptionist
):
    case = CaseFactory(opened_by=lawyer, team=(receptionist,))
    document = make_document(case, lawyer)
    for user in (outsider, psychologist, social_worker):
        assert download(client, user, document).status_code == 404
        denied = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=user).latest("id")
        assert denied.case_id == case.pk and denied.flagged
    assert download(client, receptionist, document).status_code == 200
    assert not AuditEvent.objects.filter(action=Action.VIEW, object_type="documents.document").exclude(
        actor=receptionist
    )


def test_a_legal_matter_document_is_for_who_reads_the_matter(
    client, lawyer, psychologist, coordinator, director
):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    matter = make_matter(case)
    document = make_document(case, lawyer, matter=matter, title="Demanda de pensión")
    assert download(client, psychologist, document).status_code == 404
    case_page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Demanda de pensión" not in case_page
    for user in (lawyer, coordinator, director):
        assert download(client, user, document).status_code == 200
    client.force_login(lawyer)
    page = client.get(reverse("legal:matter_detail", kwargs={"pk": matter.pk})).content.decode()
    assert "Demanda de pensión" in page


def test_a_psychologist_cannot_attach_to_a_legal_matter(client, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    matter = make_matter(case)
    client.force_login(psychologist)
    response = client.post(
        reverse("documents:upload", kwargs={"folio": case.folio}),
        {"title": "Acta", "file": pdf_file(), "matter": matter.pk},
    )
    # The matter field does not exist for her: the document goes to the case, never to the matter.
    assert response.status_code == 302
    assert Document.objects.get().matter is None


def test_case_page_lists_documents_in_bounded_queries(client, lawyer, django_assert_max_num_queries):
    case = CaseFactory(opened_by=lawyer)
    make_document(case, lawyer)
    client.force_login(lawyer)
    url = reverse("cases:detail", kwargs={"folio": case.folio})
    # 30, and the timeline's section rules (psychology's area) asked once more, three for her flags in the header
    # (people.flags), two for the case plan's section and two for the institute's own fields (Datos adicionales)
    with django_assert_max_num_queries(39) as few:
        client.get(url)
    for index in range(10):
        make_document(case, lawyer, title=f"Documento {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Documento 9" in response.content.decode()


def test_a_huge_request_is_refused_before_it_is_read(client, lawyer, settings):
    settings.DOCUMENTS_MAX_BYTES = settings.DOCUMENTS_IMAGE_MAX_BYTES = settings.DOCUMENTS_AUDIO_MAX_BYTES = (
        1024
    )
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    big = pdf_file(content=TINY_PDF + b"0" * 200_000)
    response = client.post(
        reverse("documents:upload", kwargs={"folio": case.folio}), {"title": "A", "file": big}
    )
    assert response.status_code == 413
    assert "demasiado grande" in response.content.decode()
    assert not Document.objects.exists() and stored_files() == []


def test_a_download_is_audited_as_an_export(client, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    document = make_document(case, lawyer, file=pdf_file("acta.pdf"))
    assert download(client, psychologist, document).status_code == 200
    export = AuditEvent.objects.get(actor=psychologist, action=Action.EXPORT)
    assert (export.object_type, export.object_id, export.case_id) == (
        "documents.document",
        str(document.pk),
        case.pk,
    )
