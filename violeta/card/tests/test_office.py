"""The card office: queues, bulk approval, documents, issuing, delivery, statistics; and who may do it."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from violeta.audit.models import AuditEvent
from violeta.card.models import Card, CardApplication, CardUse, Channel, MerchantAccount
from violeta.card.services.applications import application_reject, application_submit
from violeta.card.services.cards import card_cancel
from violeta.card.services.validation import card_validate
from violeta.card.tests import factories


def test_a_woman_applies_online_and_a_merchant_validates_her_card(client, card_office, merchant, shop):
    """The whole path as people would take it, through the pages."""
    data = factories.applicant()
    post = {k: v for k, v in data.items() if k not in ("neighborhood",)}
    post.update(neighborhood=data["neighborhood"].pk, birth_date="1990-05-10")
    post.update(
        proof_of_address=SimpleUploadedFile("recibo.pdf", factories.PDF_BYTES),
        identification=SimpleUploadedFile("ine.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40),
    )
    assert client.post("/tarjeta/solicitar/", post).status_code == 302
    application = CardApplication.objects.get()

    client.force_login(card_office)
    assert application.folio in client.get("/tarjeta/oficina/").content.decode()
    response = client.post(reverse("card:approve_bulk"), {"ids": [application.pk]})
    assert response.status_code == 302
    client.post(reverse("card:application_action", kwargs={"pk": application.pk, "action": "issue"}))
    card = Card.objects.get()
    pdf = client.get(reverse("card:card_pdf", kwargs={"pk": card.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.post(reverse("card:card_action", kwargs={"pk": card.pk, "action": "deliver"}))
    application.refresh_from_db()
    assert application.status == "delivered"
    assert [e.status for e in application.events.all()] == [
        "received",
        "approved",
        "card_issued",
        "delivered",
    ]

    MerchantAccount.objects.create(user=merchant, merchant=shop[0], branch=shop[1])
    client.force_login(merchant)
    qr = reverse("card:validate_token", kwargs={"token": card.verify_token})
    assert 'data-result="valid"' in client.post(qr).content.decode()
    assert 'data-result="valid"' in client.post("/tarjeta/validar/", {"number": card.number}).content.decode()

    client.force_login(card_office)
    client.post(
        reverse("card:card_action", kwargs={"pk": card.pk, "action": "replace"}), {"reason": "Extravío"}
    )
    new = Card.objects.get(status="active")
    client.force_login(merchant)
    assert 'data-result="not_valid"' in client.post(qr).content.decode()
    assert 'data-result="valid"' in client.post("/tarjeta/validar/", {"number": new.number}).content.decode()
    assert CardUse.objects.filter(result="valid").count() == 3


def test_bulk_approval_reports_what_it_could_not_approve(client, card_office):
    ready = [factories.desk_application(card_office, first_surname=s) for s in ("Loya", "Baeza", "Ruiz")]
    waiting = application_submit(**factories.applicant(first_surname="Soto"), channel=Channel.ONLINE)
    client.force_login(card_office)
    response = client.post(
        reverse("card:approve_bulk"), {"ids": [a.pk for a in ready] + [waiting.pk]}, follow=True
    )
    assert set(CardApplication.objects.filter(status="approved").values_list("pk", flat=True)) == {
        a.pk for a in ready
    }
    body = response.content.decode()
    assert waiting.folio in body and "no se puede aprobar" in body


def test_reject_needs_a_reason_and_keeps_it(client, card_office):
    application = factories.desk_application(card_office)
    client.force_login(card_office)
    url = reverse("card:application_action", kwargs={"pk": application.pk, "action": "reject"})
    client.post(url, {"reason": ""})
    application.refresh_from_db()
    assert application.status == "received"
    client.post(url, {"reason": "Comprobante de domicilio de otro municipio"})
    application.refresh_from_db()
    assert application.status == "rejected" and application.status_reason.startswith("Comprobante")
    assert application.events.last().note.startswith("Comprobante")


def test_missing_documents_then_completed_at_the_desk(client, card_office):
    application = factories.desk_application(card_office)
    client.force_login(card_office)
    base = {"pk": application.pk}
    client.post(
        reverse("card:application_action", kwargs={**base, "action": "missing"}), {"reason": "Falta INE"}
    )
    application.refresh_from_db()
    assert application.status == "missing_documents"
    client.post(
        reverse("card:application_action", kwargs={**base, "action": "documents"}),
        {"identification": SimpleUploadedFile("ine.pdf", factories.PDF_BYTES)},
    )
    application.refresh_from_db()
    assert application.status == "received"


def test_documents_only_for_the_card_office_and_audited(client, card_office, lawyer, merchant, db):
    application = application_submit(
        **factories.applicant(),
        channel=Channel.ONLINE,
        documents={"identification": SimpleUploadedFile("ine.pdf", factories.PDF_BYTES)},
    )
    document = application.documents.get()
    url = reverse("card:document", kwargs={"pk": application.pk, "doc": document.pk})
    assert client.get(url).status_code == 302  # anonymous: sign in
    for user in (lawyer, merchant):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(card_office)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == factories.PDF_BYTES
    assert AuditEvent.objects.filter(
        actor=card_office, object_type="card.cardapplication", detail="documento de solicitud"
    ).exists()


def test_application_page_is_audited(client, card_office):
    application = factories.desk_application(card_office)
    client.force_login(card_office)
    response = client.get(reverse("card:application_detail", kwargs={"pk": application.pk}))
    assert response.status_code == 200 and application.curp in response.content.decode()
    assert AuditEvent.objects.filter(
        actor=card_office, action="view", object_type="card.cardapplication", object_id=str(application.pk)
    ).exists()


def test_office_pages_query_counts(client, card_office, django_assert_max_num_queries):
    for surname in ("Loya", "Baeza", "Ruiz", "Soto", "Mora", "Gil"):
        factories.issued_card(card_office, first_surname=surname)
    for surname in ("Peña", "Ortiz", "Chávez"):
        factories.desk_application(card_office, first_surname=surname)
    client.force_login(card_office)
    client.get("/tarjeta/oficina/")
    with django_assert_max_num_queries(14):
        assert client.get("/tarjeta/oficina/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/tarjeta/oficina/entregas/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/tarjeta/oficina/estadisticas/").status_code == 200
    card = Card.objects.first()
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("card:application_detail", kwargs={"pk": card.application_id})).status_code
            == 200
        )


def test_statistics_count_cards_by_colonia_age_and_uses(card_office, till, shop):
    card = factories.issued_card(card_office, birth_date=date(1960, 1, 1), first_surname="Gil")
    factories.issued_card(card_office, birth_date=date(2000, 1, 1))
    card_validate(user=till, account=till.merchant_account, number=card.number)
    stats = __import__("violeta.card.selectors", fromlist=["statistics"]).statistics(card_office)
    assert stats.active_cards == 2
    assert dict(stats.by_age)["60+"] == 1 and dict(stats.by_age)["18–29"] == 1
    assert stats.uses_by_category == [{"merchant__category__name": "Supermercados", "n": 1}]
    assert stats.uses_by_merchant == [{"merchant__name": shop[0].name, "n": 1}]


def test_merchant_registry(client, card_office):
    client.force_login(card_office)
    from violeta.card.models import Merchant, MerchantCategory

    category = MerchantCategory.objects.get(code="mantenimiento-vehicular")
    response = client.post(
        reverse("card:merchant_create"),
        {
            "m-name": "Taller Hermanos Ríos",
            "m-category": category.pk,
            "m-discount": "15% en mano de obra",
            "m-agreement_start": "2026-02-01",
            "m-agreement_end": "2026-01-01",
            "m-status": "active",
        },
    )
    assert "no puede terminar antes" in response.content.decode()
    assert not Merchant.objects.exists()
    client.post(
        reverse("card:merchant_create"),
        {
            "m-name": "Taller Hermanos Ríos",
            "m-category": category.pk,
            "m-discount": "15% en mano de obra",
            "m-agreement_start": "2026-02-01",
            "m-status": "active",
            "m-contact_phone": "614 490 0789",
        },
    )
    business = Merchant.objects.get()
    assert business.contact_phone == "+526144900789"
    client.post(
        reverse("card:merchant_edit", kwargs={"pk": business.pk}),
        {
            "add_branch": "1",
            "b-name": "Sucursal Norte",
            "b-address": "Av. Tecnológico 500",
            "b-neighborhood": factories.neighborhood().pk,
            "b-hours": "L-V 8-18",
        },
    )
    assert business.branches.get().name == "Sucursal Norte"


def test_other_roles_cannot_run_the_office(client, lawyer, merchant, card_office):
    card = factories.issued_card(card_office)
    for user in (lawyer, merchant):
        client.force_login(user)
        for url in (
            "/tarjeta/oficina/",
            reverse("card:application_detail", kwargs={"pk": card.application_id}),
            reverse("card:card_pdf", kwargs={"pk": card.pk}),
        ):
            assert client.get(url).status_code == 404
        response = client.post(
            reverse("card:card_action", kwargs={"pk": card.pk, "action": "cancel"}), {"reason": "x"}
        )
        assert response.status_code == 404
    card.refresh_from_db()
    assert card.status == "active"


def test_the_office_links_a_till_account_to_a_business(client, card_office, merchant, lawyer, shop):
    business, branch = shop
    client.force_login(card_office)
    url = reverse("card:merchant_edit", kwargs={"pk": business.pk})
    response = client.post(url, {"link_account": "1", "u-user": lawyer.pk})
    assert response.status_code == 200  # not a merchant account: not offered, refused
    assert not MerchantAccount.objects.exists()
    client.post(url, {"link_account": "1", "u-user": merchant.pk, "u-branch": branch.pk})
    account = MerchantAccount.objects.get()
    assert (account.user, account.merchant, account.branch) == (merchant, business, branch)
    assert merchant.email in client.get(url).content.decode()


def test_find_an_application_by_folio_curp_or_name(client, card_office):
    mine = factories.desk_application(card_office)
    other = factories.desk_application(card_office, first_surname="Baeza", given_names="Rosa")
    application_reject(application=other, by=card_office, reason="Fuera del municipio")
    client.force_login(card_office)
    for query in (mine.folio, mine.curp.lower(), "maría loya"):
        body = client.post("/tarjeta/oficina/", {"q": query}).content.decode()
        assert mine.folio in body and other.folio not in body, query
    body = client.post("/tarjeta/oficina/", {"q": "rosa"}).content.decode()
    assert other.folio in body and "Rechazada" in body


def test_the_search_is_posted_so_a_curp_never_sits_in_a_url(client, card_office):
    mine = factories.desk_application(card_office)
    application_reject(application=mine, by=card_office, reason="Fuera del municipio")
    client.force_login(card_office)
    page = client.get("/tarjeta/oficina/").content.decode()
    assert 'method="post" action="/tarjeta/oficina/" class="row g-2 mb-3" role="search"' in page
    # A CURP in the query string is not searched (the received queue is shown, not her rejected application).
    assert mine.folio not in client.get("/tarjeta/oficina/", {"q": mine.curp}).content.decode()


def test_office_actions_need_the_card_office(client, lawyer, card_office):
    application = factories.desk_application(card_office)
    url = reverse("card:application_action", kwargs={"pk": application.pk, "action": "approve"})
    assert client.post(url).status_code == 302  # anonymous: to sign in
    client.force_login(lawyer)
    assert client.post(url).status_code == 404
    application.refresh_from_db()
    assert application.status == "received"


def test_text_her_the_link_to_her_digital_card(client, card_office):
    from violeta.messaging.models import Message

    card = factories.issued_card(card_office, accepts_sms=True)
    client.force_login(card_office)
    client.post(reverse("card:card_action", kwargs={"pk": card.pk, "action": "send_link"}))
    message = Message.objects.get()
    assert message.to_phone == "+526144900789"
    assert message.body.endswith(f"/tarjeta/mi-tarjeta/{card.holder_token}/")
    for private in ("María", "Loya", card.number, "Libertad"):
        assert private not in message.body
    card_cancel(card=card, by=card_office, reason="Baja")
    client.post(reverse("card:card_action", kwargs={"pk": card.pk, "action": "send_link"}))
    assert Message.objects.count() == 1


def test_opening_an_applicants_document_is_audited_as_an_export(client, card_office, db):
    from violeta.audit.models import Action

    application = application_submit(
        **factories.applicant(),
        channel=Channel.ONLINE,
        documents={"identification": SimpleUploadedFile("ine.pdf", factories.PDF_BYTES)},
    )
    document = application.documents.get()
    client.force_login(card_office)
    assert (
        client.get(reverse("card:document", kwargs={"pk": application.pk, "doc": document.pk})).status_code
        == 200
    )
    export = AuditEvent.objects.get(actor=card_office, action=Action.EXPORT)
    assert (export.object_type, export.object_id) == ("card.applicationdocument", str(document.pk))
