"""The webhook backend (the hand-off to C4) against a local receiver that checks the signature as C4 would
(``violeta.testing.fake_c4``: the snippet of docs/mia.md, not the backend's code), and the e-mail backend through
Django's mail."""

import hmac
import json
import time

import pytest
from django.core import mail

from violeta.messaging.backends import SmsError
from violeta.messaging.backends.email import EmailBackend
from violeta.messaging.backends.webhook import WebhookBackend, WebhookRefused
from violeta.messaging.models import Message, MessageKind, MessageStatus
from violeta.messaging.sender import deliver_due
from violeta.messaging.services import message_queue
from violeta.testing.fake_c4 import SECRET, Receiver, c4_verifies


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.MIA = {**settings.MIA, "DISPATCH_SECRET": SECRET}
    settings.MESSAGING = {**settings.MESSAGING, "SEND_TIMEOUT_SECONDS": 2, "BACKOFF_SECONDS": 0}
    settings.MESSAGING_BACKENDS = {
        **settings.MESSAGING_BACKENDS,
        "webhook": "violeta.messaging.backends.webhook.WebhookBackend",
        "email": "violeta.messaging.backends.email.EmailBackend",
    }


PAYLOAD = json.dumps({"version": 1, "alert_id": "x", "name": "Lupita", "live_url": "https://v.example/d/t/"})


def test_the_receiver_verifies_the_signature_and_a_forged_or_altered_request_fails():
    with Receiver() as c4:
        result = WebhookBackend().send(c4.url, PAYLOAD, "41:1")
    request = c4.requests[0]
    assert request["valid"] and request["path"] == "/mia/alertas"
    assert json.loads(request["body"]) == json.loads(PAYLOAD)
    assert request["key"] == "41:1"
    assert result.status == "delivered"
    # what C4's check refuses: another secret, or a body changed on the way
    headers = {"X-Violeta-Timestamp": str(int(time.time()))}
    headers["X-Violeta-Signature"] = (
        "sha256="
        + hmac.new(
            b"wrong", headers["X-Violeta-Timestamp"].encode() + b"." + request["body"], "sha256"
        ).hexdigest()
    )
    assert not c4_verifies(SECRET, headers, request["body"])


def test_a_wrong_secret_is_refused_by_the_receiver(settings):
    settings.MIA = {**settings.MIA, "DISPATCH_SECRET": "not-the-shared-one"}
    with Receiver() as c4, pytest.raises(WebhookRefused):
        WebhookBackend().send(c4.url, PAYLOAD, "41:1")
    assert not c4.requests[0]["valid"]


@pytest.mark.parametrize(
    ("status", "refused"), [(500, False), (503, False), (408, False), (429, False), (400, True)]
)
def test_server_errors_are_retried_and_client_errors_refused(status, refused):
    with Receiver(status=status) as c4, pytest.raises(SmsError) as excinfo:
        WebhookBackend().send(c4.url, PAYLOAD, "41:1")
    assert isinstance(excinfo.value, WebhookRefused) is refused


def test_nothing_is_sent_unsigned(settings):
    settings.MIA = {**settings.MIA, "DISPATCH_SECRET": ""}
    with Receiver() as c4, pytest.raises(SmsError):
        WebhookBackend().send(c4.url, PAYLOAD, "41:1")
    assert c4.requests == []


def test_lookup_replays_the_same_key_and_the_receiver_dedupes_it():
    with Receiver() as c4:
        WebhookBackend().send(c4.url, PAYLOAD, "41:1")
        found = WebhookBackend().lookup("41:1", to=c4.url, body=PAYLOAD)
    assert found is not None and found.status == "delivered"
    assert [r["key"] for r in c4.requests] == ["41:1", "41:1"] and c4.accepted == {"41:1"}


@pytest.mark.django_db
def test_through_the_outbox_a_2xx_is_delivered_and_a_5xx_failed_with_a_retry():
    with Receiver() as c4:
        message = message_queue(kind=MessageKind.DISPATCH, to=c4.url, body=PAYLOAD, channel="webhook")
        deliver_due()
        message.refresh_from_db()
        assert message.status == MessageStatus.DELIVERED and message.delivered_at is not None
        assert c4.requests[0]["key"] == f"{message.pk}:1" and c4.requests[0]["valid"]

    with Receiver(status=503) as c4:
        failing = message_queue(kind=MessageKind.DISPATCH, to=c4.url, body=PAYLOAD, channel="webhook")
        deliver_due(rounds=1)
    failing.refresh_from_db()
    assert failing.status == MessageStatus.FAILED and "503" in failing.last_error


@pytest.mark.django_db
def test_email_goes_through_django_mail_with_a_neutral_subject_and_one_message_id_per_message():
    message = message_queue(
        kind=MessageKind.DISPATCH, to="despacho@c4.example", body="Lupita: aviso", channel="email"
    )
    deliver_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    sent = mail.outbox[-1]
    assert sent.to == ["despacho@c4.example"] and sent.body == "Lupita: aviso"
    assert "Lupita" not in sent.subject
    assert sent.extra_headers["Message-ID"] == f"<outbox-{message.pk}@violeta>"
    EmailBackend().send("despacho@c4.example", "Lupita: aviso", f"{message.pk}:2")
    assert mail.outbox[-1].extra_headers["Message-ID"] == sent.extra_headers["Message-ID"]
    assert Message.objects.count() == 1
