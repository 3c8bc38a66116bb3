"""WhatsApp as a channel of the outbox: the Cloud API backend against a local fake, and the signed status webhook.

Nothing of the real API is reached: ``WHATSAPP_API_BASE`` points at ``violeta.testing.fake_whatsapp``.
"""

import json

import pytest
from django.urls import reverse

from violeta.messaging import services
from violeta.messaging.backends import Backends, SmsError, SmsUnknown
from violeta.messaging.backends.locmem import LocmemBackend
from violeta.messaging.backends.whatsapp import UNKNOWN_FATE, WhatsAppBackend, template_body
from violeta.messaging.models import Message, MessageKind, MessageStatus, ProviderReport
from violeta.messaging.sender import deliver_due
from violeta.testing.fake_whatsapp import FakeWhatsApp, sign, status_payload

pytestmark = pytest.mark.django_db

SECRET = "secreto-de-la-app"
TO = "+526144900789"
BODY = template_body(
    template="mia_alerta", params=["Ana", "https://violeta.test/a/abc/"], text="ALERTA MIA: Ana..."
)


@pytest.fixture
def whatsapp(settings):
    settings.WHATSAPP_APP_SECRET = SECRET
    settings.WHATSAPP_VERIFY_TOKEN = "verifica-esto"
    settings.WHATSAPP_PHONE_NUMBER_ID = "1234567890"
    settings.MESSAGING = {**settings.MESSAGING, "SEND_TIMEOUT_SECONDS": 0.5}
    with FakeWhatsApp(token="tk", app_secret=SECRET) as fake:
        settings.WHATSAPP_API_BASE, settings.WHATSAPP_TOKEN = fake.base_url, "tk"
        yield fake


def queue_whatsapp(body: str = BODY, to: str = TO) -> Message:
    return services.message_queue(kind=MessageKind.ALERT, to=to, body=body, channel="whatsapp")


def post_status(client, payload: dict, *, secret: str | None = SECRET, signature: str | None = None):
    raw = json.dumps(payload).encode()
    headers = {}
    if signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    elif secret is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = sign(raw, secret)
    return client.post(reverse("messaging:whatsapp_status"), raw, content_type="application/json", **headers)


# --- The backend ---------------------------------------------------------------------------------------------


def test_a_template_message_goes_out_with_its_parameters_and_the_wamid_is_kept(whatsapp):
    message = queue_whatsapp()

    assert deliver_due(backend=Backends(sms=LocmemBackend(), whatsapp=WhatsAppBackend())) == 1

    message.refresh_from_db()
    [accepted] = whatsapp.accepted
    assert message.status == MessageStatus.SENT and message.provider_message_id == accepted["id"]
    assert accepted["to"] == TO.lstrip("+") and accepted["template"] == "mia_alerta"
    assert accepted["language"] == "es_MX" and accepted["params"] == ["Ana", "https://violeta.test/a/abc/"]
    assert accepted["opaque"] == f"{message.pk}:1"  # comes back in every status report


def test_a_refusal_is_an_error_and_a_lost_answer_is_unknown(whatsapp):
    whatsapp.pattern = ["fail", "timeout"]
    whatsapp.timeout_seconds = 2
    backend = WhatsAppBackend()
    with pytest.raises(SmsError) as refused:
        backend.send(TO, BODY, "1:1")
    assert not isinstance(refused.value, SmsUnknown) and whatsapp.accepted == []
    with pytest.raises(SmsUnknown):
        backend.send(TO, BODY, "1:2")


def test_an_unknown_fate_is_never_resent(whatsapp):
    """The Cloud API cannot be asked: lookup records the attempt as sent (fate unknown), and it is not resent."""
    whatsapp.pattern = ["timeout"]
    whatsapp.timeout_seconds = 2
    message = queue_whatsapp()
    backends = Backends(sms=LocmemBackend(), whatsapp=WhatsAppBackend())
    deliver_due(backend=backends)  # no answer in time; its lease is swept at once and the backend asked

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.provider_status == UNKNOWN_FATE
    assert whatsapp.requests == 1
    assert deliver_due(backend=backends) == 0


# --- The signed webhook ---------------------------------------------------------------------------------------


def sent_message(wamid: str = "wamid.ABC") -> Message:
    message = queue_whatsapp()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, attempt=1, provider_message_id=wamid
    )
    return message


def report(message: Message, status: str, wamid: str = "wamid.ABC") -> dict:
    return status_payload({"id": wamid, "to": TO, "opaque": f"{message.pk}:1"}, status)


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=" + "0" * 64, "sha1=abc", "forged"],
    ids=["unsigned", "empty", "wrong", "other-algorithm", "garbage"],
)
def test_a_forged_or_unsigned_status_is_refused_and_changes_nothing(client, settings, signature):
    settings.WHATSAPP_APP_SECRET = SECRET
    message = sent_message()
    response = post_status(client, report(message, "failed"), secret=None, signature=signature)
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.provider_status == ""
    assert not ProviderReport.objects.exists()


def test_a_status_signed_with_another_secret_is_refused(client, settings):
    settings.WHATSAPP_APP_SECRET = SECRET
    message = sent_message()
    assert post_status(client, report(message, "delivered"), secret="otro-secreto").status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_without_an_app_secret_nothing_is_trusted(client, settings):
    settings.WHATSAPP_APP_SECRET = ""
    message = sent_message()
    assert post_status(client, report(message, "delivered"), secret="").status_code == 403


def test_signed_statuses_sent_delivered_read(client, settings):
    settings.WHATSAPP_APP_SECRET = SECRET
    message = sent_message()
    for status in ("sent", "delivered", "read"):
        assert post_status(client, report(message, status)).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.READ and message.read_at and message.delivered_at


def test_a_signed_failed_status_is_retried(client, settings):
    settings.WHATSAPP_APP_SECRET = SECRET
    message = sent_message()
    assert post_status(client, report(message, "failed")).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.provider_status == "failed"


def test_a_report_settles_a_send_whose_answer_was_lost(client, settings):
    """Still "sending" (no answer came): its first report, which carries the idempotency key, records it."""
    settings.WHATSAPP_APP_SECRET = SECRET
    message = queue_whatsapp()
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, attempt=1)
    assert post_status(client, report(message, "delivered", wamid="wamid.LOST")).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.provider_message_id == "wamid.LOST"


def test_the_verification_handshake(client, settings):
    settings.WHATSAPP_VERIFY_TOKEN = "verifica-esto"
    url = reverse("messaging:whatsapp_status")
    ok = client.get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "verifica-esto", "hub.challenge": "42"}
    )
    assert ok.status_code == 200 and ok.content == b"42"
    wrong = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "otra", "hub.challenge": "42"})
    assert wrong.status_code == 403


def test_the_fake_reports_through_the_webhook(whatsapp, client):
    """End to end: the fake's signed reports, handed to Django's test client, take the message to "read"."""
    whatsapp.callbacks, whatsapp.webhook_url = True, reverse("messaging:whatsapp_status")
    inbox = []
    whatsapp.deliver = lambda url, raw, headers: inbox.append((url, raw, headers))
    message = queue_whatsapp()
    deliver_due(backend=Backends(sms=LocmemBackend(), whatsapp=WhatsAppBackend()))
    assert whatsapp.wait_for(lambda fake: len(inbox) == 3, timeout=10)
    for url, raw, headers in inbox:
        response = client.post(
            url, raw, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=headers["X-Hub-Signature-256"]
        )
        assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.READ
    assert whatsapp.duplicates() == []
