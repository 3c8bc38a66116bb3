"""Her contacts' channel (SMS, WhatsApp, both) and her principal contact, through the API."""

import pytest

from violeta.alerts.models import EmergencyContact
from violeta.alerts.tests.test_api import run_worker, sign_up, with_contacts
from violeta.messaging.backends import locmem
from violeta.messaging.models import Channel, Message, MessageKind

pytestmark = pytest.mark.django_db

PHONES = ["656 123 4511", "656 123 4512"]


@pytest.fixture
def her(client):
    """Signed up through the API with two contacts by SMS (as test_api's ``her``)."""
    api = sign_up(client, locmem.outbox)
    with_contacts(api, 2)
    run_worker()
    return api


@pytest.fixture
def whatsapp_on(settings):
    settings.MIA = {**settings.MIA, "WHATSAPP_ENABLED": True}


def test_she_adds_a_whatsapp_contact_and_an_sms_one_and_the_alert_follows(her, whatsapp_on):
    assert her.get("/me").json()["contact_channels"] == ["sms", "whatsapp", "both"]
    by_whatsapp = her.post("/contacts", {"name": "Rosa", "phone": PHONES[0], "channel": "whatsapp"})
    by_sms = her.post("/contacts", {"name": "Mari", "phone": PHONES[1]})
    assert by_whatsapp.status_code == 201 and by_whatsapp.json()["channel"] == "whatsapp"
    assert by_sms.status_code == 201 and by_sms.json()["channel"] == "sms"
    # the invitation is an SMS whatever the channel (it is not an alert)
    invitations = Message.objects.filter(kind=MessageKind.INVITATION)
    assert set(invitations.values_list("channel", flat=True)) == {Channel.SMS}

    assert her.post("/alerts", {"client_id": "press-canales-1"}).status_code == 201

    alerts = Message.objects.filter(kind=MessageKind.ALERT)
    assert alerts.filter(to_phone="+526561234511").get().channel == Channel.WHATSAPP
    assert alerts.filter(to_phone="+526561234512").get().channel == Channel.SMS


def test_whatsapp_is_refused_while_the_institute_has_not_switched_it_on(her):
    assert her.get("/me").json()["contact_channels"] == ["sms"]
    response = her.post("/contacts", {"name": "Rosa", "phone": PHONES[0], "channel": "whatsapp"})
    assert response.status_code == 400 and response.json()["code"] == "channel"
    assert not EmergencyContact.objects.filter(name="Rosa").exists()
    first = her.get("/contacts").json()[0]
    response = her.patch(f"/contacts/{first['id']}", {"channel": "both"})
    assert response.status_code == 400 and response.json()["code"] == "channel"


def test_one_principal_contact_at_most(her, whatsapp_on):
    first, second = her.get("/contacts").json()
    assert not first["principal"] and not second["principal"]

    assert her.patch(f"/contacts/{first['id']}", {"principal": True}).json()["principal"] is True
    response = her.post("/contacts", {"name": "Rosa", "phone": PHONES[0], "principal": True})
    assert response.status_code == 201 and response.json()["principal"] is True

    listed = {c["name"]: c["principal"] for c in her.get("/contacts").json()}
    assert listed == {"Contacto 1": False, "Contacto 2": False, "Rosa": True}
    response = her.patch(f"/contacts/{second['id']}", {"principal": True, "channel": "both"})
    assert response.json()["principal"] is True and response.json()["channel"] == "both"
    assert EmergencyContact.objects.filter(is_principal=True, removed_at__isnull=True).count() == 1


def test_a_contact_that_is_not_hers_is_not_found(her, whatsapp_on):
    assert her.patch("/contacts/999999", {"principal": True}).status_code == 404
