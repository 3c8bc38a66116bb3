"""Journey: she brings a voice message with a threat and a photo of an injury on her phone; the lawyer attaches
both to her case file as evidence. The photo's location (EXIF GPS) is gone from the stored copy, the page shows
the original's SHA-256 (the one of the file on her phone) and the stored copy's, and "Verificar integridad"
says it matches; the chain of custody shows who received, viewed and checked each one.

Personas: the lawyer on the case's team (desktop), and the psychologist who received the voice note.
"""

import hashlib
import io
import re

import pytest
from PIL import ExifTags, Image
from playwright.sync_api import expect

from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.documents.models import CustodyKind, Document, EvidenceKind
from violeta.documents.storage import private_storage
from violeta.documents.tests.factories import ogg_opus, photo_with_gps
from violeta.testing.browser import database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_voice_note_and_a_photo_become_evidence_without_her_location(
    page, live_server, shots, settings, tmp_path, lawyer, psychologist
):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    case = CaseFactory(opened_by=lawyer, team=(psychologist,), reason="Amenazas por mensajes de voz.")
    voice = tmp_path / "PTT-20261120-WA0003.ogg"
    voice.write_bytes(ogg_opus())
    photo = tmp_path / "IMG_20261120_184510.jpg"
    photo.write_bytes(photo_with_gps())

    sign_in(page, live_server, lawyer)
    page.goto(f"{live_server.url}/expedientes/{case.folio}/")

    # --- the voice note, received by the psychologist yesterday evening -----------------------------------------
    page.locator("#contenido").get_by_role("link", name="Agregar evidencia").click()
    expect(page.get_by_role("heading", name="Agregar evidencia")).to_be_visible()
    page.get_by_label("Nota de voz o grabación").check()
    page.get_by_label("Descripción").fill("Mensaje de voz con amenaza")
    page.get_by_label("Archivo").set_input_files(voice)
    page.get_by_label("Tomada o grabada el").fill("2026-11-19T21:40")
    page.get_by_label("Recibida por").select_option(label=psychologist.full_name)
    shots(page, "nota-de-voz")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Guardar evidencia").click()

    expect(page.get_by_text("Evidencia guardada.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Mensaje de voz con amenaza"))).to_be_visible()
    expect(page.locator("audio[controls]")).to_be_visible()
    voice_hash = hashlib.sha256(voice.read_bytes()).hexdigest()
    expect(page.locator("#hash-original")).to_have_text(voice_hash)
    expect(page.locator("#hash-stored")).to_have_text(voice_hash)  # audio is kept byte for byte
    page.get_by_role("button", name="Verificar integridad").click()
    expect(page.get_by_role("alert").filter(has_text="Integridad verificada")).to_be_visible()
    custody = page.get_by_role("region", name="Cadena de custodia")
    expect(custody).to_contain_text("Recibida y guardada")
    expect(custody).to_contain_text("Integridad verificada")

    # --- the photo with the GPS of where it was taken --------------------------------------------------------------
    page.get_by_role("link", name=case.folio).first.click()
    page.locator("#contenido").get_by_role("link", name="Agregar evidencia").click()
    page.get_by_label("Foto", exact=True).check()
    page.get_by_label("Descripción").fill("Foto de la lesión en el brazo")
    page.get_by_label("Archivo").set_input_files(photo)
    page.get_by_role("button", name="Guardar evidencia").click()

    expect(page.get_by_text("Evidencia guardada.")).to_be_visible()
    expect(page.get_by_text("El original traía datos ocultos")).to_be_visible()
    preview = page.get_by_role("img", name=re.compile("Vista previa de la evidencia"))
    expect(preview).to_be_visible()
    # the preview loads (through the audited view) before anything else is clicked: it is a custody line
    page.wait_for_function(
        "() => { const img = document.querySelector('#contenido img.img-fluid');"
        " return img && img.complete && img.naturalWidth === 64; }"
    )
    photo_hash = hashlib.sha256(photo.read_bytes()).hexdigest()
    expect(page.locator("#hash-original")).to_have_text(photo_hash)  # the file on her phone
    expect(
        page.get_by_text("Según los datos de la foto (EXIF)")
    ).to_be_visible()  # its date, taken before it went
    page.get_by_role("button", name="Verificar integridad").click()
    expect(page.get_by_role("alert").filter(has_text="Integridad verificada")).to_be_visible()
    custody = page.get_by_role("region", name="Cadena de custodia")
    expect(custody).to_contain_text("Vista o reproducida")  # the preview itself is in the chain
    shots(page, "foto")
    assert horizontal_overflow(page) == 0

    # A copy for the prosecutor's investigation file.
    page.get_by_label("Entregada a").fill("Fiscalía Especializada, Lic. Ana Ruiz")
    page.get_by_label("Para qué").fill("Carpeta de investigación de la denuncia")
    page.get_by_role("button", name="Registrar copia entregada").click()
    expect(page.get_by_text("La copia entregada quedó en la cadena de custodia.")).to_be_visible()
    expect(page.get_by_role("region", name="Cadena de custodia")).to_contain_text(
        "Fiscalía Especializada, Lic. Ana Ruiz"
    )

    with database_turn():
        audio = Document.objects.get(evidence_kind=EvidenceKind.AUDIO)
        assert audio.received_by == psychologist and audio.content_type == "audio/ogg"
        image = Document.objects.get(evidence_kind=EvidenceKind.PHOTO)
        stored = private_storage.open(image.file.name, "rb").read()
        assert image.original_sha256 == photo_hash
        assert image.sha256 == hashlib.sha256(stored).hexdigest() != photo_hash
        with Image.open(io.BytesIO(stored)) as clean:
            assert not clean.getexif().get_ifd(ExifTags.IFD.GPSInfo) and len(clean.getexif()) == 0
        assert b"Exif" not in stored and b"Maria" not in stored
        kinds = set(image.custody.values_list("kind", flat=True))
        assert {
            CustodyKind.RECEIVED,
            CustodyKind.VIEWED,
            CustodyKind.VERIFIED,
            CustodyKind.COPY_GIVEN,
        } <= kinds
