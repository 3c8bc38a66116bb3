"""The outbox's channels: each message goes to its channel's backend, and a read receipt is more final than a
delivery."""

import pytest

from violeta.messaging import services
from violeta.messaging.backends import Backends, SendResult, SmsError
from violeta.messaging.backends.locmem import LocmemBackend
from violeta.messaging.models import Channel, Message, MessageKind, MessageStatus
from violeta.messaging.sender import Sender, deliver_due

pytestmark = pytest.mark.django_db


class Recording(LocmemBackend):
    def __init__(self):
        self.sent = []

    def send(self, to, body, idempotency_key):
        self.sent.append((to, body))
        return SendResult(provider_message_id=f"id-{idempotency_key}")


def test_each_message_goes_to_its_channels_backend():
    sms, whatsapp = Recording(), Recording()
    services.message_queue(kind=MessageKind.ALERT, to="+526141234567", body="by sms")
    services.message_queue(kind=MessageKind.ALERT, to="+526141234568", body="by whatsapp", channel="whatsapp")

    assert deliver_due(backend=Backends(sms=sms, whatsapp=whatsapp)) == 2

    assert sms.sent == [("+526141234567", "by sms")]
    assert whatsapp.sent == [("+526141234568", "by whatsapp")]
    assert set(Message.objects.values_list("channel", "status")) == {
        (Channel.SMS, MessageStatus.SENT),
        (Channel.WHATSAPP, MessageStatus.SENT),
    }


def test_a_channel_without_a_backend_is_retried_not_lost(settings):
    settings.MESSAGING_BACKENDS = {}
    message = services.message_queue(kind=MessageKind.ALERT, to="+526141234567", body="x", channel="voice")

    Sender(backend=Recording()).run_once()

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "voice" in message.last_error


def test_read_after_delivered_and_read_before_delivered():
    backend = Recording()
    first = services.message_queue(kind=MessageKind.ALERT, to="+526141234567", body="a", channel="whatsapp")
    second = services.message_queue(kind=MessageKind.ALERT, to="+526141234568", body="b", channel="whatsapp")
    deliver_due(backend=Backends(whatsapp=backend, sms=backend))
    first.refresh_from_db()
    second.refresh_from_db()

    services.status_update(provider_message_id=first.provider_message_id, provider_status="delivered")
    services.status_update(provider_message_id=first.provider_message_id, provider_status="read")
    services.status_update(provider_message_id=second.provider_message_id, provider_status="read")
    services.status_update(provider_message_id=second.provider_message_id, provider_status="delivered")
    services.status_update(provider_message_id=second.provider_message_id, provider_status="failed")

    for message in (first, second):
        message.refresh_from_db()
        assert message.status == MessageStatus.READ
        assert message.delivered_at is not None and message.read_at is not None


def test_unknown_channel_backend_raises_sms_error(settings):
    settings.MESSAGING_BACKENDS = {}
    with pytest.raises(SmsError):
        Backends().get("webhook")
