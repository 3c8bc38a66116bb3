"""A voice call's outcome, from Twilio's signed callback to the alert's timeline in the console."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.alerts.models import Alert, AlertEvent, AlertEventKind
from violeta.alerts.services.voice import voice_sweep
from violeta.alerts.tests.test_views import TOKEN, make_account, raise_alert, signed_post
from violeta.messaging.models import Channel, Message, MessageStatus
from violeta.messaging.sender import deliver_due
from violeta.messaging.services import delivery_resolve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _voice_on(settings):
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"
    settings.MESSAGING_BACKENDS = {
        **settings.MESSAGING_BACKENDS,
        "voice": "violeta.messaging.backends.locmem.LocmemBackend",
    }
    settings.MIA = {**settings.MIA, "VOICE_ENABLED": True, "VOICE_AFTER_SECONDS": 120}
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = "https://violeta.example"


@pytest.fixture
def called():
    """A silent alert whose call to her principal contact (Marta) the provider accepted."""
    account = make_account(name="Ana Sofía")
    account.contacts.filter(name="Marta Ruiz").update(is_principal=True)
    alert = raise_alert(account)
    Alert.objects.filter(pk=alert.pk).update(started_at=timezone.now() - timedelta(seconds=121))
    voice_sweep()
    deliver_due()
    call = Message.objects.get(channel=Channel.VOICE)
    assert call.status == MessageStatus.SENT
    return alert, call


def outcomes(alert) -> list[str]:
    events = AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.VOICE_CALL, message__isnull=False)
    return list(events.order_by("id").values_list("detail", flat=True))[1:]  # after "calling …"


@pytest.mark.parametrize(
    ("reports", "outcome"),
    [
        (["initiated", "ringing", "in-progress", "completed"], "contestó"),
        (["initiated", "ringing", "busy"], "ocupado"),
        (["initiated", "ringing", "no-answer"], "no contestó"),
        (["initiated", "failed"], "falló"),
    ],
)
def test_the_calls_outcome_is_one_line_on_the_alerts_timeline(client, called, reports, outcome):
    alert, call = called
    for report in reports:
        response = signed_post(
            client, "messaging:voice_status", {"CallSid": call.provider_message_id, "CallStatus": report}
        )
        assert response.status_code == 204
    assert outcomes(alert) == [outcome]


def test_a_forged_callback_writes_nothing_on_the_timeline(client, called):
    alert, call = called
    data = {"CallSid": call.provider_message_id, "CallStatus": "completed"}
    response = signed_post(client, "messaging:voice_status", data, token="not-the-token")
    assert response.status_code == 403
    assert outcomes(alert) == []
    assert Message.objects.get(pk=call.pk).status == MessageStatus.SENT


def test_an_outcome_learnt_by_asking_the_provider_is_on_the_timeline_too(called):
    alert, call = called
    delivery_resolve(call.pk, "no-answer")  # the sender asked about a call whose callbacks never came
    assert outcomes(alert) == ["no contestó"]


def test_the_console_shows_the_call_and_its_outcome(client, called, alert_monitor):
    alert, call = called
    signed_post(client, "messaging:voice_status", {"CallSid": call.provider_message_id, "CallStatus": "busy"})
    client.force_login(alert_monitor)

    html = client.get(
        reverse("alerts:console_detail", kwargs={"public_id": alert.public_id})
    ).content.decode()

    assert "Llamada de voz: llamando a Marta Ruiz, su contacto principal" in html
    assert "Llamada de voz: ocupado" in html
    assert html.count('data-kind="voice_call"') == 2
    # The call is shown by its lines, not again as a text message (the two alert SMS are).
    assert html.count("bi-chat-left-text") == 2
