"""The public side: her online application with uploads, the directory, her digital card."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from violeta.audit.models import AuditEvent
from violeta.card.models import ApplicationDocument, CardApplication
from violeta.card.tests import factories

APPLY = "/tarjeta/solicitar/"


def form_data(**overrides):
    data = factories.applicant()
    post = {k: v for k, v in data.items() if k not in ("neighborhood", "phone")}
    post.update(neighborhood=data["neighborhood"].pk, phone="(614) 490-0789", birth_date="1990-05-10")
    post.update(overrides)
    return post


def pdf(name="comprobante.pdf", content=factories.PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_apply_online_with_both_documents(client, db, settings):
    response = client.post(
        APPLY,
        form_data(
            proof_of_address=pdf(),
            identification=SimpleUploadedFile("ine.png", factories.PNG_BYTES, content_type="image/png"),
        ),
    )
    assert response.status_code == 302 and response["Location"] == reverse("card:apply_thanks")
    application = CardApplication.objects.get()
    assert application.status == "received" and application.channel == "online"
    assert application.phone == "+526144900789"
    assert application.curp == factories.applicant()["curp"]
    documents = {d.kind: d for d in ApplicationDocument.objects.all()}
    assert documents["identification"].content_type == "image/png"
    path = settings.CARD["PRIVATE_ROOT"] / documents["proof_of_address"].stored_name
    assert path.read_bytes() == factories.PDF_BYTES
    assert not str(path).startswith(str(settings.STATIC_ROOT)) and not str(path).startswith(
        str(settings.MEDIA_ROOT)
    )
    assert AuditEvent.objects.filter(object_type="card.cardapplication", action="create").exists()
    assert [e.status for e in application.events.all()] == ["received"]


def test_without_documents_it_waits_for_them(client, db):
    assert client.post(APPLY, form_data()).status_code == 302
    application = CardApplication.objects.get()
    assert application.status == "missing_documents"
    assert [e.status for e in application.events.all()] == ["received", "missing_documents"]


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("ine.pdf", b"MZ\x90\x00 not a pdf"), "debe ser un PDF, un JPG o un PNG"),
        (SimpleUploadedFile("vacío.pdf", b""), ""),
    ],
)
def test_files_are_checked_by_their_content(client, db, upload, message):
    response = client.post(APPLY, form_data(identification=upload))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CardApplication.objects.exists() and not ApplicationDocument.objects.exists()


def test_large_files_are_refused(client, db, settings):
    settings.CARD = {**settings.CARD, "UPLOAD_MAX_BYTES": 1024}
    big = pdf(content=factories.PDF_BYTES + b"0" * 2048)
    response = client.post(APPLY, form_data(proof_of_address=big))
    assert "demasiado grande" in response.content.decode()
    assert not CardApplication.objects.exists()
    assert (
        not any((settings.CARD["PRIVATE_ROOT"]).glob("*")) if settings.CARD["PRIVATE_ROOT"].exists() else True
    )


def test_ineligible_applicant_is_told_why(client, db):
    response = client.post(
        APPLY,
        form_data(birth_date="2010-05-10", curp=factories.applicant(birth_date=date(2010, 5, 10))["curp"]),
    )
    assert response.status_code == 200
    assert "18 años o más" in response.content.decode()
    assert not CardApplication.objects.exists()


def test_apply_page_is_public_and_has_a_quick_exit(client, db):
    response = client.get(APPLY)
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-quick-exit" in body and "quick-exit.js" in body


def test_directory_lists_affiliated_businesses_by_category_and_colonia(client, db):
    centro = factories.neighborhood()
    other = factories.neighborhood("Campesina") or centro
    market = factories.merchant()
    factories.branch(market, colonia=centro)
    clinic = factories.merchant(name="Clínica Santa Rita", category="clinicas", discount="20% en consultas")
    factories.branch(clinic, colonia=other)
    factories.merchant(name="Comercio Suspendido", status="suspended")
    factories.merchant(name="Convenio Terminado", agreement_end=date(2026, 1, 31))

    body = client.get("/tarjeta/comercios/").content.decode()
    assert "Súper La Económica" in body and "Clínica Santa Rita" in body and "20% en consultas" in body
    assert "Comercio Suspendido" not in body and "Convenio Terminado" not in body
    assert "data-quick-exit" in body

    body = client.get("/tarjeta/comercios/", {"category": "clinicas"}).content.decode()
    assert "Clínica Santa Rita" in body and "Súper La Económica" not in body
    body = client.get("/tarjeta/comercios/", {"q": "santa"}).content.decode()
    assert "Clínica Santa Rita" in body and "Súper La Económica" not in body
    if other != centro:
        body = client.get("/tarjeta/comercios/", {"colonia": other.pk}).content.decode()
        assert "Clínica Santa Rita" in body and "Súper La Económica" not in body


def test_directory_queries_are_bounded(client, db, django_assert_max_num_queries):
    for index in range(30):
        business = factories.merchant(
            name=f"Comercio {index}", category=("supermercados", "otros")[index % 2]
        )
        factories.branch(business, name="Centro")
        factories.branch(business, name="Norte")
    with django_assert_max_num_queries(6):
        response = client.get("/tarjeta/comercios/", {"q": "comercio"})
    assert response.status_code == 200 and "Comercio 29" in response.content.decode()


def test_her_digital_card_and_pdf(client, card_office):
    card = factories.issued_card(card_office)
    response = client.get(reverse("card:holder_card", kwargs={"token": card.holder_token}))
    body = response.content.decode()
    assert response.status_code == 200 and "<svg" in body and card.grouped_number in body
    assert card.application.curp not in body
    response = client.get(reverse("card:holder_card_pdf", kwargs={"token": card.holder_token}))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert client.get(reverse("card:holder_card", kwargs={"token": "x" * 32})).status_code == 404


def test_qr_holds_only_the_verification_link(card_office):
    import segno  # noqa: F401

    from violeta.card import documents

    card = factories.issued_card(card_office)
    url = documents.verify_url(card)
    assert url.endswith(f"/tarjeta/v/{card.verify_token}/")
    assert card.number not in url and "Mar" not in url


def test_online_applications_notify_the_card_office_once_a_day(client, card_office, lawyer):
    from violeta.notifications.models import Notification

    client.post(APPLY, form_data())
    client.post(
        APPLY, form_data(first_surname="Baeza", curp=factories.applicant(first_surname="Baeza")["curp"])
    )
    notices = Notification.objects.all()
    assert [n.recipient for n in notices] == [card_office]
    assert "SOL-" not in notices[0].message and "María" not in notices[0].message


def test_public_form_is_rate_limited_per_connection(client, db, monkeypatch):
    from violeta.card import views

    monkeypatch.setattr(views, "APPLY_PER_HOUR_IP", 1)
    assert client.post(APPLY, form_data()).status_code == 302
    other = factories.applicant(first_surname="Baeza")
    response = client.post(APPLY, form_data(first_surname="Baeza", curp=other["curp"]))
    assert response.status_code == 200 and "Demasiadas solicitudes" in response.content.decode()
    assert CardApplication.objects.count() == 1


def test_her_card_pdf_is_audited_as_an_export(client, card_office):
    from violeta.audit.models import Action

    card = factories.issued_card(card_office)
    client.logout()
    response = client.get(reverse("card:holder_card_pdf", kwargs={"token": card.holder_token}))
    assert response.status_code == 200
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert (export.actor, export.object_type, export.object_id) == (None, "card.card", str(card.pk))
    assert card.holder_token not in str(export.__dict__)


def test_a_future_birth_date_is_refused_with_a_clear_message_not_an_age_of_zero(client, db):
    """Issue 16: the form answered a birth date in 2030 with 'tienes 0'."""
    future = date(2030, 3, 14)
    curp = factories.applicant(birth_date=future)[
        "curp"
    ]  # her CURP agrees with the date: only sense refuses it
    response = client.post(APPLY, form_data(birth_date=future.isoformat(), curp=curp))
    assert response.status_code == 200
    page = response.content.decode()
    assert "La fecha de nacimiento no puede ser posterior a hoy." in page
    assert "tienes 0" not in page
    assert response.context["form"].has_error("birth_date")
    assert not CardApplication.objects.exists()


def test_a_form_error_speaks_to_her_as_tu(client, db):
    """Issue 16, finding 4 (a sibling): the error summary of her application said "Revise…" (usted)."""
    response = client.post(APPLY, form_data(phone=""))
    body = response.content.decode()
    assert "Revisa los campos marcados: no se guardó nada." in body
    assert "Revise los campos" not in body
    assert not CardApplication.objects.exists()
