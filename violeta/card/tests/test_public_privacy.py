"""Hole 10 on the public side of the card: her card is never cached, and the form does not tell anyone whether
a CURP already applied (she learns it through the institute: a text to the phone on file, a note at the office).
"""

import pytest
from django.urls import reverse

from violeta.card import documents
from violeta.card.models import ApplicationEvent, CardApplication
from violeta.card.tests import factories
from violeta.card.tests.test_public import APPLY, form_data
from violeta.messaging.models import Message

NOTE = "Se recibió otra solicitud en línea con esta CURP y no se guardó."


def test_her_card_page_and_pdf_are_never_cached(client, card_office):
    card = factories.issued_card(card_office)
    url = documents.holder_url(card)
    for address in (url, url + "pdf/"):
        response = client.get(address)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], address


def test_api_answers_are_never_cached(client, db):
    response = client.get("/api/v1/mia/me", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and "no-store" in response["Cache-Control"]
    assert "no-store" in client.get("/api/v1/health")["Cache-Control"]


def test_an_answer_to_a_public_form_is_never_cached(client, db):
    response = client.post(APPLY, form_data(postal_code="99999", neighborhood=""))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def _answer(response) -> tuple:
    return response.status_code, response.get("Location"), response.content


@pytest.mark.django_db
def test_the_form_answers_the_same_for_a_curp_on_file_and_a_new_one(client):
    first = client.post(APPLY, form_data(accepts_sms="on"))
    assert first.status_code == 302
    application = CardApplication.objects.get()
    sms_before = Message.objects.count()

    again = client.post(APPLY, form_data(given_names="Otra"))
    other = factories.applicant(first_surname="Baeza")
    new = client.post(APPLY, form_data(first_surname="Baeza", curp=other["curp"]))
    assert _answer(again) == _answer(new) == _answer(first)

    assert CardApplication.objects.filter(curp=application.curp).count() == 1
    assert CardApplication.objects.get(curp=application.curp).given_names != "Otra"
    # She is told through the institute: one text to the phone on file, and a note the office sees.
    texts = Message.objects.all()[sms_before:]
    assert [m.to_phone for m in texts] == [application.phone]
    assert "CURP" in texts[0].body and application.given_names not in texts[0].body
    assert ApplicationEvent.objects.filter(application=application, note=NOTE).count() == 1


@pytest.mark.django_db
def test_repeated_probes_do_not_text_her_again_the_same_day(client):
    client.post(APPLY, form_data(accepts_sms="on"))
    for _ in range(3):
        assert client.post(APPLY, form_data()).status_code == 302
    assert Message.objects.count() == 1
    assert ApplicationEvent.objects.filter(note=NOTE).count() == 3


@pytest.mark.django_db
def test_without_sms_consent_she_is_told_at_the_office_only(client):
    client.post(APPLY, form_data())
    assert client.post(APPLY, form_data()).status_code == 302
    assert not Message.objects.exists()
    assert ApplicationEvent.objects.filter(note=NOTE).count() == 1


def test_an_active_card_is_not_told_to_the_form_either(client, card_office):
    card = factories.issued_card(card_office)
    response = client.post(APPLY, form_data(curp=card.application.curp))
    assert response.status_code == 302 and response["Location"] == reverse("card:apply_thanks")
    assert CardApplication.objects.count() == 1


def test_the_desk_still_sees_the_duplicate(client, card_office):
    factories.desk_application(card_office)
    client.force_login(card_office)
    response = client.post(reverse("card:desk_application"), form_data(documents_checked_at_desk="on"))
    assert response.status_code == 200
    assert "Ya hay una solicitud en trámite con esta CURP" in response.content.decode()
