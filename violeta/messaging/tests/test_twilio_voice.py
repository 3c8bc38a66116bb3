"""Twilio's voice backend, the call statuses in the outbox and their signed callbacks, against the local fake.

As in test_twilio.py, every database access stays in the test's thread (``drive``, ``CallbackInbox``).
"""

import pytest
from django.urls import reverse

from violeta.messaging import services
from violeta.messaging.backends import SmsError, SmsUnknown
from violeta.messaging.backends.twilio import signature
from violeta.messaging.backends.twilio_voice import TwilioVoiceBackend, twiml
from violeta.messaging.models import Channel, Message, MessageKind, MessageStatus
from violeta.messaging.sender import Sender
from violeta.messaging.signals import message_status_changed
from violeta.messaging.tests.test_twilio import TOKEN, drive, post_callback, twilio  # noqa: F401 (a fixture)
from violeta.testing.fake_twilio import CallbackInbox

pytestmark = pytest.mark.django_db

CONTACT = "+526144900111"
WORDS = "Lupita necesita ayuda. Revisa el mensaje que te enviamos."


@pytest.fixture
def voice(twilio, settings):  # noqa: F811 (test_twilio's fixture)
    """test_twilio's fake and settings, with the voice backend and its number; returns a function that starts one."""
    settings.MESSAGING_BACKENDS = {
        **settings.MESSAGING_BACKENDS,
        "voice": "violeta.messaging.backends.twilio_voice.TwilioVoiceBackend",
    }
    settings.TWILIO_VOICE_FROM = "+15005550009"
    return twilio


def queue_call(to: str = CONTACT) -> Message:
    return services.message_queue(kind=MessageKind.ALERT, to=to, body=WORDS, channel=Channel.VOICE)


def sent_call(provider_id: str = "CAtest1") -> Message:
    message = queue_call()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, attempt=1, provider_message_id=provider_id
    )
    return message


def settled() -> bool:
    return not Message.objects.filter(status__in=["pending", "sending", "failed"]).exists()


# --- The backend alone ----------------------------------------------------------------------------------------


def test_a_call_is_placed_with_the_words_in_mexican_spanish_and_its_callback(voice):
    fake = voice()
    result = TwilioVoiceBackend().send(CONTACT, WORDS, "1:1")
    [call] = fake.calls
    assert result.provider_message_id == call["sid"]
    assert call["sid"].startswith("CA")
    assert (call["to"], call["from"]) == (CONTACT, "+15005550009")
    assert call["status_callback"] == "http://testserver/mia/llamada/estado/"
    assert call["events"] == ["initiated", "ringing", "answered", "completed"]
    assert call["twiml"] == twiml(WORDS)
    assert call["twiml"].startswith('<Response><Say language="es-MX">Lupita necesita ayuda.')
    assert fake.accepted == []  # a call, not a text message


def test_the_words_cannot_break_out_of_the_twiml():
    assert twiml('Ana <Dial>+1</Dial> & "B"') == (
        '<Response><Say language="es-MX">Ana &lt;Dial&gt;+1&lt;/Dial&gt; &amp; "B"</Say><Pause length="1"/>'
        '<Say language="es-MX">Ana &lt;Dial&gt;+1&lt;/Dial&gt; &amp; "B"</Say></Response>'
    )


def test_a_refused_call_is_an_error_and_an_unanswered_one_is_looked_up(voice):
    fake = voice(pattern=["fail", "timeout"], timeout_seconds=2)
    backend = TwilioVoiceBackend()
    with pytest.raises(SmsError) as refused:
        backend.send(CONTACT, WORDS, "1:1")
    assert not isinstance(refused.value, SmsUnknown)
    with pytest.raises(SmsUnknown):
        backend.send(CONTACT, WORDS, "1:2")
    found = backend.lookup(
        "1:2", to=CONTACT, body=WORDS
    )  # still queued (no start time yet): found all the same
    assert found is not None
    assert found.provider_message_id == fake.calls[0]["sid"]
    assert backend.lookup("1:2", to="+526144900222", body=WORDS) is None


@pytest.mark.parametrize("outcome", ["answered", "busy", "no-answer", "failed"])
def test_status_reads_the_calls_outcome(voice, outcome):
    fake = voice(callbacks=True, call_outcome=outcome, deliver=lambda url, params, headers: 204)
    backend = TwilioVoiceBackend()
    sid = backend.send(CONTACT, WORDS, "1:1").provider_message_id
    final = {"answered": "completed"}.get(outcome, outcome)
    assert fake.wait_for(lambda f: f.calls[0]["status"] == final and len(f.callback_results) >= 1, timeout=10)
    assert backend.status(sid) == final


# --- Call statuses in the outbox ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reports", "status"),
    [
        (["initiated", "ringing"], MessageStatus.SENT),
        (["initiated", "ringing", "in-progress", "completed"], MessageStatus.DELIVERED),
        (["completed"], MessageStatus.DELIVERED),
        (["ringing", "busy"], MessageStatus.UNDELIVERED),
        (["ringing", "no-answer"], MessageStatus.UNDELIVERED),
        (["failed"], MessageStatus.UNDELIVERED),
    ],
)
def test_a_calls_outcome_is_final_and_never_called_again(reports, status):
    message = sent_call()
    for report in reports:
        services.status_update(provider_message_id="CAtest1", provider_status=report)
    message.refresh_from_db()
    assert message.status == status
    assert message.attempt == 1
    assert services.claim(limit=10) == []  # busy or no answer is an answer: one call per alert


def test_a_failed_sms_is_still_sent_again():
    message = services.message_queue(kind=MessageKind.ALERT, to=CONTACT, body="hola")
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, attempt=1, provider_message_id="SM1"
    )
    services.status_update(provider_message_id="SM1", provider_status="failed")
    assert Message.objects.get(pk=message.pk).status == MessageStatus.FAILED


def test_the_apps_hear_each_change_of_state_once():
    heard = []

    def receiver(sender, *, message, provider_status, **kwargs):
        heard.append((message.pk, message.status, provider_status))

    message = sent_call()
    message_status_changed.connect(receiver, sender=Message)
    try:
        for report in ("initiated", "ringing", "in-progress", "completed", "completed"):
            services.status_update(provider_message_id="CAtest1", provider_status=report)
    finally:
        message_status_changed.disconnect(receiver, sender=Message)
    assert heard == [(message.pk, MessageStatus.DELIVERED, "in-progress")]


# --- The signed status callback --------------------------------------------------------------------------------


def test_a_forged_call_status_is_refused_and_changes_nothing(client, settings):
    settings.TWILIO_AUTH_TOKEN, settings.SITE_URL = TOKEN, "http://testserver"
    message = sent_call()
    url = reverse("messaging:voice_status")
    data = {"CallSid": "CAtest1", "CallStatus": "completed"}
    for header in ("", "forged", signature("http://testserver" + url, data, token="not-the-token")):
        assert client.post(url, data, HTTP_X_TWILIO_SIGNATURE=header).status_code == 403
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT

    header = signature("http://testserver" + url, data, token=TOKEN)
    assert client.post(url, data, HTTP_X_TWILIO_SIGNATURE=header).status_code == 204
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED
    assert client.get(url).status_code == 405


# --- The sender against the fake ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("outcome", "status"), [("answered", "delivered"), ("busy", "undelivered")])
def test_the_sender_places_one_call_and_its_signed_callbacks_record_the_outcome(
    voice, client, outcome, status
):
    inbox = CallbackInbox()
    fake = voice(callbacks=True, call_outcome=outcome, deliver=inbox.deliver)
    message = queue_call()
    final = {"answered": "completed"}.get(outcome, outcome)
    drive(
        Sender(),
        lambda: settled() and any(reported == final for _sid, reported, _result in fake.callback_results),
        inbox=inbox,
        post=post_callback(client),
    )
    message.refresh_from_db()
    [call] = fake.calls
    assert message.provider_message_id == call["sid"]
    assert (message.status, message.attempt) == (status, 1)
    assert (call["sid"], final, 204) in fake.callback_results
    assert all(result == 204 for _sid, _status, result in fake.callback_results)  # every one signed and taken
