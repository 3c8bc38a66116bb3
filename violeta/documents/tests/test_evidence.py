"""Evidence: photos without their metadata, audio checked by its bytes, both hashes, the chain of custody."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.documents.filetypes import detect
from violeta.documents.models import CustodyEntry, CustodyKind, Document, EvidenceKind, TakenAtSource
from violeta.documents.services import (
    custody_copy_given,
    document_verify,
    evidence_update,
)
from violeta.documents.storage import private_storage
from violeta.documents.tests.factories import (
    LOCATION,
    heic_photo,
    make_evidence,
    mp3,
    mp4,
    ogg_opus,
    photo_with_gps,
    png_with_text,
    upload,
)
from violeta.legal.tests.factories import make_document

pytestmark = pytest.mark.django_db


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_bytes(document: Document) -> bytes:
    return Path(private_storage.path(document.file.name)).read_bytes()


# --- photos: metadata stripped, both hashes -----------------------------------------------------------------------


def test_a_photos_gps_and_other_metadata_are_gone_from_the_stored_copy(lawyer):
    original = photo_with_gps()
    assert b"Maria" in original and b"xmpmeta" in original  # the test's photo does carry them
    case = CaseFactory(opened_by=lawyer)
    document = make_evidence(case, lawyer, kind=EvidenceKind.PHOTO, file=upload("IMG_0042.jpg", original))
    stored = stored_bytes(document)
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert len(exif) == 0 and not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"exif", "xmp", "comment"} & set(image.info)
        assert image.size == (64, 48)
    for secret in (b"Exif", b"Maria", b"xmpmeta", b"casa de", "Teléfono".encode()):
        assert secret not in stored
    assert document.original_sha256 == sha(original)
    assert document.sha256 == sha(stored) != document.original_sha256
    assert document.size == len(stored) and document.content_type == "image/jpeg"
    assert document.metadata_removed
    # the date taken came from the photo's EXIF, before it was dropped
    assert document.taken_at_source == TakenAtSource.EXIF
    assert timezone.localtime(document.taken_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 18:45"


def test_the_orientation_is_applied_before_the_metadata_goes(lawyer):
    case = CaseFactory(opened_by=lawyer)
    file = upload("de-lado.jpg", photo_with_gps(orientation=6))
    document = make_document(case, lawyer, file=file)
    with Image.open(io.BytesIO(stored_bytes(document))) as image:
        assert image.size == (48, 64)  # turned as the phone showed it
        assert ExifTags.Base.Orientation not in image.getexif()


def test_png_text_chunks_and_exif_are_dropped(lawyer):
    original = png_with_text()
    document = make_evidence(
        CaseFactory(opened_by=lawyer),
        lawyer,
        kind=EvidenceKind.SCREENSHOT,
        file=upload("captura.png", original),
    )
    stored = stored_bytes(document)
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"Calle Falsa", b"Maria"):
        assert chunk not in stored
    assert stored.startswith(b"\x89PNG") and document.content_type == "image/png"
    assert document.original_sha256 == sha(original) and document.sha256 == sha(stored)
    assert document.metadata_removed


def test_an_ordinary_document_photo_loses_its_gps_too(lawyer):
    document = make_document(CaseFactory(opened_by=lawyer), lawyer, file=upload("ine.jpg", photo_with_gps()))
    assert b"Exif" not in stored_bytes(document) and not document.is_evidence


def test_heic_is_converted_to_a_jpeg_without_metadata(lawyer):
    original = heic_photo()
    document = make_evidence(
        CaseFactory(opened_by=lawyer), lawyer, kind=EvidenceKind.PHOTO, file=upload("IMG_1.HEIC", original)
    )
    stored = stored_bytes(document)
    assert stored.startswith(b"\xff\xd8\xff") and document.file.name.endswith(".jpg")
    assert document.content_type == "image/jpeg"
    assert b"Exif" not in stored
    assert document.original_sha256 == sha(original) and document.sha256 == sha(stored)
    assert document.taken_at_source == TakenAtSource.EXIF


def test_what_she_says_wins_over_the_exif_date(lawyer):
    said = timezone.now() - timedelta(days=3)
    document = make_evidence(
        CaseFactory(opened_by=lawyer),
        lawyer,
        kind=EvidenceKind.PHOTO,
        file=upload("a.jpg", photo_with_gps()),
        taken_at=said,
    )
    assert document.taken_at == said and document.taken_at_source == TakenAtSource.STATED


def test_a_broken_image_is_refused_in_spanish(lawyer):
    with pytest.raises(ValidationError) as error:
        make_document(
            CaseFactory(opened_by=lawyer), lawyer, file=upload("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40)
        )
    assert "no se pudo leer" in " ".join(error.value.message_dict["file"])
    assert not Document.objects.exists()


# --- audio: accepted by its bytes, kept byte for byte ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("nota-de-voz.ogg", ogg_opus(), "audio/ogg"),
        ("PTT-20261120.opus", ogg_opus(), "audio/ogg"),
        ("grabacion.m4a", mp4(), "audio/mp4"),
        ("sin-etiqueta.mp3", mp3(id3=False), "audio/mpeg"),
    ],
)
def test_audio_is_accepted_by_its_bytes_and_stored_as_received(lawyer, name, content, content_type):
    document = make_evidence(CaseFactory(opened_by=lawyer), lawyer, file=upload(name, content))
    assert stored_bytes(document) == content
    assert document.content_type == content_type
    assert document.sha256 == document.original_sha256 == sha(content)
    assert not document.metadata_removed and document.evidence_kind == EvidenceKind.AUDIO


def test_a_voice_memos_location_is_removed_without_touching_the_sound(lawyer):
    original = mp4(location=True)
    assert LOCATION in original
    document = make_evidence(CaseFactory(opened_by=lawyer), lawyer, file=upload("Grabación.m4a", original))
    stored = stored_bytes(document)
    assert LOCATION not in stored and b"\xa9xyz" not in stored
    assert len(stored) == len(original)  # boxes renamed "free" and zeroed: no offset moved
    mdat = original.index(b"mdat") - 4
    assert stored[mdat:] == original[mdat:]  # the sound (mdat) untouched
    assert detect(io.BytesIO(stored), "copia.m4a").content_type == "audio/mp4"  # still a voice memo
    assert document.metadata_removed
    assert document.original_sha256 == sha(original) and document.sha256 == sha(stored)


def test_an_mp3s_id3_tags_are_cut_off_and_the_frames_kept(lawyer):
    frames = mp3(id3=False)
    original = mp3() + b"TAG" + b"Maria Lopez".ljust(125, b"\x00")
    document = make_evidence(CaseFactory(opened_by=lawyer), lawyer, file=upload("mensaje.mp3", original))
    assert stored_bytes(document) == frames
    assert document.metadata_removed and document.original_sha256 == sha(original) != document.sha256


@pytest.mark.parametrize(
    "name,content",
    [
        ("nota.ogg", b"MZ\x90\x00" + b"\x00" * 200),  # a program renamed
        ("nota.mp3", b"MZ\x90\x00" + b"\x00" * 200),
        ("nota.m4a", mp4((b"vide", b"soun"), brand=b"mp42")),  # a video is not a voice message
        ("nota.ogg", b"OggS" + b"\x00" * 22 + b"\x01" + b"\x1e" + b"\x80theora" + b"\x00" * 40),  # Ogg video
        ("nota.mp3", ogg_opus()),  # the extension lies
        ("nota.exe", mp3()),
    ],
)
def test_disguised_audio_is_refused(lawyer, name, content):
    with pytest.raises(ValidationError) as error:
        make_evidence(CaseFactory(opened_by=lawyer), lawyer, file=upload(name, content))
    assert "file" in error.value.error_dict
    assert not Document.objects.exists()


def test_each_kind_has_its_own_size_limit(lawyer, settings):
    settings.DOCUMENTS_AUDIO_MAX_BYTES = 2000
    settings.DOCUMENTS_IMAGE_MAX_BYTES = 200
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(ValidationError) as error:
        make_evidence(case, lawyer, file=upload("larga.mp3", mp3(10)))
    assert "demasiado grande" in " ".join(error.value.message_dict["file"])
    assert "0 MB" in " ".join(error.value.message_dict["file"])
    with pytest.raises(ValidationError):
        make_evidence(case, lawyer, kind=EvidenceKind.PHOTO, file=upload("a.jpg", photo_with_gps()))
    assert make_evidence(case, lawyer, file=upload("corta.mp3", mp3(2))).pk


def test_the_evidence_kind_must_match_the_file(lawyer):
    case = CaseFactory(opened_by=lawyer)
    with pytest.raises(ValidationError) as error:
        make_evidence(case, lawyer, kind=EvidenceKind.PHOTO, file=upload("nota.ogg", ogg_opus()))
    assert "file" in error.value.error_dict
    with pytest.raises(ValidationError):
        make_evidence(case, lawyer, kind=EvidenceKind.AUDIO, file=upload("a.jpg", photo_with_gps()))


def test_who_received_it_must_see_the_case_and_the_date_cannot_be_future(lawyer, outsider, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    with pytest.raises(ValidationError) as error:
        make_evidence(case, lawyer, received_by=outsider, taken_at=timezone.now() + timedelta(days=1))
    assert {"received_by", "taken_at"} <= set(error.value.error_dict)
    document = make_evidence(case, lawyer, received_by=psychologist)
    assert document.received_by == psychologist


# --- the chain of custody ---------------------------------------------------------------------------------------------


def test_upload_opens_the_chain_of_custody_with_the_originals_hash(lawyer):
    content = ogg_opus()
    document = make_evidence(CaseFactory(opened_by=lawyer), lawyer, file=upload("nota.ogg", content))
    entry = CustodyEntry.objects.get(document=document)
    assert entry.kind == CustodyKind.RECEIVED and entry.by == lawyer and sha(content) in entry.detail


def _get(client, user, name, document):
    client.force_login(user)
    return client.get(reverse(f"documents:{name}", kwargs={"public_id": document.public_id}))


def test_every_view_and_download_is_a_custody_line(client, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    document = make_evidence(case, lawyer, kind=EvidenceKind.PHOTO, file=upload("a.jpg", photo_with_gps()))
    inline = _get(client, psychologist, "view", document)
    assert inline.status_code == 200 and inline["Content-Type"] == "image/jpeg"
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["X-Content-Type-Options"] == "nosniff" and "no-store" in inline["Cache-Control"]
    assert b"".join(inline.streaming_content) == stored_bytes(document)
    attachment = _get(client, psychologist, "download", document)
    assert attachment["Content-Disposition"].startswith("attachment")
    kinds = list(document.custody.filter(by=psychologist).values_list("kind", flat=True))
    assert kinds == [CustodyKind.VIEWED, CustodyKind.DOWNLOADED]
    assert AuditEvent.objects.filter(actor=psychologist, action=Action.EXPORT, case_id=case.pk).count() == 2


def test_audio_is_played_inline_with_its_content_type(client, lawyer):
    document = make_evidence(CaseFactory(opened_by=lawyer), lawyer, file=upload("nota.m4a", mp4()))
    response = _get(client, lawyer, "view", document)
    assert response.status_code == 200 and response["Content-Type"] == "audio/mp4"
    page = _get(client, lawyer, "detail", document).content.decode()
    assert "<audio" in page and reverse("documents:view", kwargs={"public_id": document.public_id}) in page


def test_a_pdf_is_never_shown_inline(client, lawyer):
    document = make_document(CaseFactory(opened_by=lawyer), lawyer)
    assert _get(client, lawyer, "view", document).status_code == 404
    assert not document.custody.filter(kind=CustodyKind.VIEWED).exists()


def test_a_copy_given_says_to_whom_when_by_whom_and_why(client, lawyer):
    document = make_evidence(CaseFactory(opened_by=lawyer), lawyer)
    client.force_login(lawyer)
    url = reverse("documents:copy_given", kwargs={"public_id": document.public_id})
    response = client.post(url, {"recipient": "", "reason": ""})
    assert response.status_code == 200 and "Diga a quién" in response.content.decode()
    assert not document.custody.filter(kind=CustodyKind.COPY_GIVEN).exists()
    response = client.post(
        url, {"recipient": "Fiscalía Especializada, Lic. Ana Ruiz", "reason": "Carpeta de investigación"}
    )
    assert response.status_code == 302
    entry = document.custody.get(kind=CustodyKind.COPY_GIVEN)
    assert (entry.recipient, entry.reason, entry.by) == (
        "Fiscalía Especializada, Lic. Ana Ruiz",
        "Carpeta de investigación",
        lawyer,
    )
    page = _get(client, lawyer, "detail", document).content.decode()
    assert "Fiscalía Especializada, Lic. Ana Ruiz" in page and "Copia entregada" in page


def test_a_copy_cannot_be_given_in_the_future_nor_by_someone_outside_the_case(lawyer, outsider):
    document = make_evidence(CaseFactory(opened_by=lawyer), lawyer)
    with pytest.raises(ValidationError) as error:
        custody_copy_given(
            by=lawyer,
            document=document,
            recipient="Fiscalía",
            reason="Carpeta",
            at=timezone.now() + timedelta(1),
        )
    assert "at" in error.value.error_dict
    with pytest.raises(PermissionDenied):
        custody_copy_given(by=outsider, document=document, recipient="Fiscalía", reason="Carpeta")


def test_integrity_verified_and_a_tampered_copy_is_caught(client, lawyer):
    document = make_evidence(
        CaseFactory(opened_by=lawyer), lawyer, kind=EvidenceKind.PHOTO, file=upload("a.jpg", photo_with_gps())
    )
    client.force_login(lawyer)
    url = reverse("documents:verify", kwargs={"public_id": document.public_id})
    response = client.post(url, follow=True)
    assert "Integridad verificada" in response.content.decode()
    assert document.custody.filter(kind=CustodyKind.VERIFIED, by=lawyer).exists()
    path = Path(private_storage.path(document.file.name))
    path.write_bytes(path.read_bytes() + b"x")
    assert document_verify(by=lawyer, document=document) is False
    assert document.custody.filter(kind=CustodyKind.MISMATCH).exists()
    assert AuditEvent.objects.filter(action=Action.VIEW, flagged=True, object_id=str(document.pk)).exists()
    response = client.post(url, follow=True)
    assert "NO coincide" in response.content.decode()


def test_correcting_the_evidence_details_is_logged(client, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    document = make_evidence(case, lawyer)
    when = timezone.now() - timedelta(days=10)
    evidence_update(by=lawyer, document=document, taken_at=when, received_by=psychologist)
    document.refresh_from_db()
    assert document.received_by == psychologist and document.taken_at == when
    assert document.custody.filter(kind=CustodyKind.EDITED).exists()
    client.force_login(lawyer)
    url = reverse("documents:evidence_edit", kwargs={"public_id": document.public_id})
    assert client.get(url).status_code == 200
    response = client.post(url, {"taken_at": "", "received_by": lawyer.pk})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.taken_at is None and document.received_by == lawyer


def test_outsiders_get_404_on_every_evidence_page(client, lawyer, outsider, social_worker):
    document = make_evidence(CaseFactory(opened_by=lawyer), lawyer)
    for user in (outsider, social_worker):
        client.force_login(user)
        for name in ("detail", "view", "download", "evidence_edit"):
            url = reverse(f"documents:{name}", kwargs={"public_id": document.public_id})
            assert client.get(url).status_code == 404
        for name in ("verify", "copy_given"):
            url = reverse(f"documents:{name}", kwargs={"public_id": document.public_id})
            assert client.post(url, {"recipient": "X" * 5, "reason": "Y" * 5}).status_code == 404
    assert list(document.custody.values_list("kind", flat=True)) == [CustodyKind.RECEIVED]
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=outsider).count() == 6


# --- pages ------------------------------------------------------------------------------------------------------------


def test_the_evidence_form_uploads_a_voice_note(client, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    client.force_login(lawyer)
    url = reverse("documents:evidence_upload", kwargs={"folio": case.folio})
    page = client.get(url).content.decode()
    assert "Nota de voz o grabación" in page and psychologist.full_name in page
    response = client.post(
        url,
        {
            "evidence_kind": EvidenceKind.AUDIO,
            "title": "Mensaje de voz con amenaza",
            "file": upload("PTT-1.ogg", ogg_opus()),
            "taken_at": "2026-11-01T21:15",
            "received_by": psychologist.pk,
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "documents:detail", kwargs={"public_id": document.public_id}
    )
    assert document.received_by == psychologist and document.taken_at_source == TakenAtSource.STATED
    detail = client.get(response["Location"]).content.decode()
    assert document.sha256 in detail and "Cadena de custodia" in detail


def test_the_item_page_and_the_case_page_in_bounded_queries(client, lawyer, django_assert_max_num_queries):
    case = CaseFactory(opened_by=lawyer)
    document = make_evidence(case, lawyer)
    client.force_login(lawyer)
    url = reverse("documents:detail", kwargs={"public_id": document.public_id})
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for index in range(10):
        custody_copy_given(by=lawyer, document=document, recipient=f"Fiscalía {index}", reason="Carpeta")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Fiscalía 9" in page
    case_url = reverse("cases:detail", kwargs={"folio": case.folio})
    with django_assert_max_num_queries(40) as before:
        client.get(case_url)
    for _index in range(5):
        make_evidence(case, lawyer)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert "Evidencia" in client.get(case_url).content.decode()


def test_evidence_and_its_custody_are_in_her_complete_export(lawyer, director):
    import json
    import zipfile

    from violeta.privacy.export import build_export

    case = CaseFactory(opened_by=lawyer)
    document = make_evidence(case, lawyer, kind=EvidenceKind.PHOTO, file=upload("a.jpg", photo_with_gps()))
    custody_copy_given(by=lawyer, document=document, recipient="Fiscalía", reason="Carpeta de investigación")
    content, counts = build_export(case.holder, generated_by=director)
    assert counts["documents.document"] == 1 and counts["documents.custodyentry"] == 2
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data = json.loads(archive.read("datos.json"))
        custody = data["secciones"]["documents.custodyentry"]["registros"]
        assert {row["reason"] for row in custody} >= {"Carpeta de investigación"}
        exported = data["secciones"]["documents.document"]["registros"][0]
        assert exported["original_sha256"] == document.original_sha256
        assert archive.read(exported["archivo"]) == stored_bytes(document)  # the copy without her location
