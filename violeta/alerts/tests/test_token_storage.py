"""Hole 10: the tokens in the links of MIA's SMS are stored as hashes only (as device tokens are), and the links
still work. The token is read from where it is given out (the SMS), never from the database."""

import re

import pytest
from django.urls import reverse

from violeta.alerts.models import AlertRecipient, EmergencyContact
from violeta.alerts.services.alerts import alert_locate, alert_raise
from violeta.alerts.services.contacts import contact_add
from violeta.alerts.tests.factories import emergency_contact, mia_account
from violeta.messaging.models import Message, MessageKind
from violeta.testing.db import raw_row

pytestmark = pytest.mark.django_db


def token_of(message: Message, kind: str) -> str:
    return re.search(rf"/{kind}/([A-Za-z0-9_-]+)/", message.body).group(1)


def test_alert_recipient_tokens_are_stored_hashed_and_the_link_works(client):
    account = mia_account()
    alert, _created = alert_raise(account=account, client_id="press-0001")
    messages = list(Message.objects.filter(alert_link__alert=alert, kind=MessageKind.ALERT))
    assert len(messages) == 2
    for message in messages:
        token = token_of(message, "a")
        row = raw_row("alerts_alertrecipient", message.alert_link.recipient_id)
        assert not any(token in str(value) for value in row)
        assert client.get(reverse("alerts:live", kwargs={"token": token})).status_code == 200
    assert AlertRecipient.objects.count() == 2


def test_the_location_sms_repeats_each_contacts_own_link(client):
    account = mia_account()
    alert, _created = alert_raise(account=account, client_id="press-0002")
    alert_locate(alert=alert, lat=28.63, lon=-106.07, accuracy=10)
    for recipient in alert.recipients.all():
        first = Message.objects.filter(alert_link__recipient=recipient).get(kind=MessageKind.ALERT)
        location = Message.objects.filter(alert_link__recipient=recipient).get(kind=MessageKind.LOCATION)
        assert token_of(location, "a") == token_of(first, "a")


def test_invitation_tokens_are_stored_hashed_and_the_link_works(client):
    account = mia_account(contacts=0)
    contact = contact_add(account=account, name="Rosa", phone="614 490 0789")
    token = token_of(Message.objects.get(kind=MessageKind.INVITATION), "c")
    assert not any(token in str(value) for value in raw_row("alerts_emergencycontact", contact.pk))
    url = reverse("alerts:contact_confirm", kwargs={"token": token})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert EmergencyContact.objects.get(pk=contact.pk).confirmed_at is not None


def test_a_guessed_or_hashed_token_opens_nothing(client):
    account = mia_account(contacts=0)
    contact = emergency_contact(account)
    alert, _created = alert_raise(account=account, client_id="press-0003")
    stored = [str(value) for value in raw_row("alerts_alertrecipient", alert.recipients.get().pk)]
    stored += [str(value) for value in raw_row("alerts_emergencycontact", contact.pk)]
    for value in stored:  # what a copy of the database holds opens no page
        if len(value) >= 20:
            assert client.get(reverse("alerts:live", kwargs={"token": value})).status_code == 404
            assert client.get(reverse("alerts:contact_confirm", kwargs={"token": value})).status_code == 404
