"""Alerts by each contact's channel (SMS, WhatsApp, both), and MIA's side of the SMS fallback.

On PostgreSQL ``alert_raise`` is one statement (the CTE); elsewhere, and when that statement cannot decide, the
ORM makes the same rows: both are run here (``path``), on whichever database the suite runs.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from violeta.alerts.models import AlertEvent, AlertEventKind, AlertMessage, ContactChannel
from violeta.alerts.services import alerts as alert_services
from violeta.alerts.services.alerts import alert_cancel, alert_locate, alert_raise
from violeta.alerts.tests.factories import emergency_contact, mia_account, token_in
from violeta.alerts.tests.services.helpers import PHONE
from violeta.core.tokens import token_hash
from violeta.messaging import services
from violeta.messaging.fallback import fallbacks_sweep
from violeta.messaging.models import Channel, Message, MessageKind, MessageStatus

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "alert": "mia_alerta",
    "location": "mia_ubicacion",
    "cancelled": "mia_cancelada",
    "alert_test": "mia_alerta_prueba",
    "location_test": "mia_ubicacion_prueba",
    "cancelled_test": "mia_cancelada_prueba",
}


@pytest.fixture
def enabled(settings):
    settings.MIA = {**settings.MIA, "WHATSAPP_ENABLED": True, "WHATSAPP_FALLBACK_SECONDS": 30}
    settings.WHATSAPP_TEMPLATES = TEMPLATES


@pytest.fixture(params=["one statement", "orm"])
def path(request, monkeypatch):
    """The PostgreSQL CTE (where the suite runs on PostgreSQL) and the ORM path."""
    if request.param == "orm":
        monkeypatch.setattr(alert_services, "_alert_raise_postgresql", lambda **kwargs: None)
    elif connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")
    return request.param


@pytest.fixture
def network():
    """Her network: one contact by SMS, one by WhatsApp, one by both."""
    account = mia_account(phone=PHONE, display_name="Lupita", contacts=0)
    contacts = {}
    for channel in ("sms", "whatsapp", "both"):
        contact = emergency_contact(account, name=channel)
        contact.channel = channel
        contact.save(update_fields=["channel"])
        contacts[channel] = contact
    return account, contacts


def alert_messages(alert, kind=MessageKind.ALERT):
    return Message.objects.filter(alert_link__alert=alert, kind=kind)


def channels_by_phone(messages) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in messages.order_by("channel"):
        found.setdefault(message.to_phone, []).append(message.channel)
    return found


def whatsapp_content(message: Message) -> dict:
    assert message.channel == Channel.WHATSAPP
    return json.loads(message.body)


def test_each_contact_gets_the_alert_on_her_channels(enabled, network, path):
    account, contacts = network

    alert, created = alert_raise(account=account, client_id="press-0001")

    assert created
    messages = alert_messages(alert)
    assert channels_by_phone(messages) == {
        contacts["sms"].phone: ["sms"],
        contacts["whatsapp"].phone: ["whatsapp"],
        contacts["both"].phone: ["sms", "whatsapp"],
    }
    for message in messages:
        link = AlertMessage.objects.get(message=message)
        assert link.alert == alert and link.recipient.contact.phone == message.to_phone
        text = whatsapp_content(message)["text"] if message.channel == Channel.WHATSAPP else message.body
        assert token_hash(token_in(text)) == link.recipient.token_hash
    # only the WhatsApp-only contact's message has a fallback deadline ("both" already has its SMS)
    deadlines = {m.to_phone: m.fallback_due_at for m in messages.filter(channel=Channel.WHATSAPP)}
    assert deadlines[contacts["both"].phone] is None
    due = deadlines[contacts["whatsapp"].phone]
    assert timedelta(seconds=29) < due - alert.started_at <= timedelta(seconds=31)


def test_without_whatsapp_switched_on_everything_is_sms(network, path):
    account, _contacts = network
    alert, _created = alert_raise(account=account, client_id="press-0001")
    assert set(alert_messages(alert).values_list("channel", flat=True)) == {"sms"}
    assert alert_messages(alert).count() == 3


@pytest.mark.parametrize("test", [False, True], ids=["alert", "test alert"])
def test_a_whatsapp_message_carries_only_her_chosen_name_and_the_link(enabled, network, path, test):
    account, contacts = network
    contacts["sms"].removed_at = timezone.now()
    contacts["sms"].save(update_fields=["removed_at"])
    alert, _created = alert_raise(account=account, client_id="press-0001", test=test)
    alert_locate(alert=alert, lat=28.63, lon=-106.07, accuracy=15)
    alert_cancel(alert=alert, pin="1234")

    whatsapp = Message.objects.filter(alert_link__alert=alert, channel=Channel.WHATSAPP)
    assert {m.kind for m in whatsapp} == {MessageKind.ALERT, MessageKind.LOCATION, MessageKind.CANCELLED}
    for message in whatsapp:
        content = whatsapp_content(message)
        assert set(content) == {"template", "params", "text"}
        kind = f"{message.kind}_test" if test else message.kind
        assert content["template"] == TEMPLATES[kind]
        name, *link = content["params"]
        assert name == "Lupita"
        if message.kind == MessageKind.CANCELLED:
            assert link == []
        else:
            [link] = link
            recipient = AlertMessage.objects.get(message=message).recipient
            assert (
                link.endswith(f"/a/{token_in(link)}/") and token_hash(token_in(link)) == recipient.token_hash
            )
        assert "28.63" not in message.body and "106.07" not in message.body  # never where she is
        assert content["text"].startswith("PRUEBA") == test


def test_the_location_and_cancellation_go_on_her_channels(enabled, network):
    account, contacts = network
    alert, _created = alert_raise(account=account, client_id="press-0001")
    alert_locate(alert=alert, lat=28.63, lon=-106.07, accuracy=15)
    alert_cancel(alert=alert, pin="1234")
    expected = {
        contacts["sms"].phone: ["sms"],
        contacts["whatsapp"].phone: ["whatsapp"],
        contacts["both"].phone: ["sms", "whatsapp"],
    }
    assert channels_by_phone(alert_messages(alert, MessageKind.LOCATION)) == expected
    assert channels_by_phone(alert_messages(alert, MessageKind.CANCELLED)) == expected


def test_the_fallback_sms_belongs_to_the_alert_and_is_on_its_timeline(enabled, network):
    account, contacts = network
    alert, _created = alert_raise(account=account, client_id="press-0001")
    [original] = alert_messages(alert).filter(to_phone=contacts["whatsapp"].phone)

    assert fallbacks_sweep(now=timezone.now() + timedelta(seconds=31)) == 1
    assert fallbacks_sweep(now=timezone.now() + timedelta(seconds=60)) == 0

    sms = Message.objects.get(fallback_of=original)
    link, first = AlertMessage.objects.get(message=sms), AlertMessage.objects.get(message=original)
    assert (link.alert_id, link.recipient_id) == (alert.pk, first.recipient_id)
    assert sms.body == whatsapp_content(original)["text"] and "Lupita" in sms.body
    [event] = AlertEvent.objects.filter(alert=alert)
    assert event.kind == AlertEventKind.FALLBACK and event.message == sms


def test_a_failed_whatsapp_report_sends_the_sms_at_once(enabled, network):
    account, contacts = network
    alert, _created = alert_raise(account=account, client_id="press-0001")
    [original] = alert_messages(alert).filter(to_phone=contacts["whatsapp"].phone)
    Message.objects.filter(pk=original.pk).update(
        status=MessageStatus.SENT, attempt=1, provider_message_id="wamid.X"
    )
    services.status_update(provider_message_id="wamid.X", provider_status="failed")

    assert fallbacks_sweep() == 1

    assert Message.objects.filter(fallback_of=original, alert_link__alert=alert).count() == 1
    assert AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.FALLBACK).count() == 1


def test_contact_channel_values_match_the_outbox():
    assert set(ContactChannel.values) - {"both"} <= set(Channel.values)
