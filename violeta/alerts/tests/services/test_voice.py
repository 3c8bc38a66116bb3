"""The voice call to her principal contact when nobody acknowledges an alert (issue 21, item 2)."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from violeta.alerts.models import Alert, AlertEvent, AlertEventKind
from violeta.alerts.services import voice
from violeta.alerts.services.alerts import alert_acknowledge, alert_raise
from violeta.alerts.services.voice import voice_sweep
from violeta.alerts.tests.factories import mia_account, run_tasks
from violeta.alerts.tests.services.helpers import spanish
from violeta.messaging.backends import locmem
from violeta.messaging.backends.twilio_voice import REPEAT, twiml
from violeta.messaging.models import Channel, Message, MessageStatus

pytestmark = [pytest.mark.tasks, pytest.mark.django_db]

CALL_TEXT = (
    "This is a message from MIA. %(name)s needs help. Check the message we sent you: it has the link to her page. "
    "Again: %(name)s needs help."
)


@pytest.fixture(autouse=True)
def _voice_on(settings):
    settings.MIA = {**settings.MIA, "VOICE_ENABLED": True, "VOICE_AFTER_SECONDS": 120}
    settings.MESSAGING_BACKENDS = {
        **settings.MESSAGING_BACKENDS,
        "voice": "violeta.messaging.backends.locmem.LocmemBackend",
    }


def principal(account, index: int = 0):
    contact = account.contacts.order_by("id")[index]
    contact.is_principal = True
    contact.save(update_fields=["is_principal"])
    return contact


def silent_for(alert: Alert, seconds: float) -> None:
    """As if the alert had started ``seconds`` ago."""
    Alert.objects.filter(pk=alert.pk).update(started_at=timezone.now() - timedelta(seconds=seconds))


def calls():
    return Message.objects.filter(channel=Channel.VOICE).order_by("id")


def voice_events(alert):
    return list(AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.VOICE_CALL).order_by("id"))


def test_the_principal_contact_is_called_only_after_the_configured_silence(account, alert):
    contact = principal(account)
    silent_for(alert, 119)
    assert voice_sweep() == 0
    assert not calls().exists()

    silent_for(alert, 121)
    assert voice_sweep() == 1

    [call] = calls()
    assert call.to_phone == contact.phone
    assert call.body == spanish(CALL_TEXT) % {"name": "Lupita"}
    assert "Revisa el mensaje que te enviamos" in call.body  # tú, to her contact
    assert Alert.objects.get(pk=alert.pk).voice_call_at is not None
    [event] = voice_events(alert)
    assert event.message_id == call.pk
    assert contact.name in event.detail


def test_the_silence_is_the_configured_one(account, alert, settings):
    principal(account)
    settings.MIA = {**settings.MIA, "VOICE_AFTER_SECONDS": 600}
    silent_for(alert, 300)
    assert voice_sweep() == 0
    silent_for(alert, 601)
    assert voice_sweep() == 1


def test_the_call_goes_out_through_the_sender_to_the_voice_backend(account, alert):
    contact = principal(account)
    run_tasks()  # the alert's SMS
    locmem.outbox.clear()
    silent_for(alert, 121)

    run_tasks()  # the sender runs the periodic job, then sends the call

    assert [sent["to"] for sent in locmem.outbox] == [contact.phone]
    assert calls().get().status == MessageStatus.SENT


def test_an_acknowledged_alert_gets_no_call(account, alert):
    principal(account)
    alert_acknowledge(recipient=alert.recipients.order_by("id").last(), via="link")
    silent_for(alert, 600)
    assert voice_sweep() == 0
    assert not calls().exists()
    assert voice_events(alert) == []


def test_no_call_when_the_institute_has_not_switched_it_on(account, alert, settings):
    principal(account)
    settings.MIA = {**settings.MIA, "VOICE_ENABLED": False}
    silent_for(alert, 600)
    assert voice_sweep() == 0
    assert not calls().exists()


def test_a_test_alert_never_calls(account):
    principal(account)
    test_alert, _created = alert_raise(account=account, client_id="press-test-01", test=True)
    silent_for(test_alert, 600)
    assert voice_sweep() == 0
    assert not calls().exists()


def test_only_the_principal_contact_is_called_never_another(account, alert):
    second = principal(account, index=1)
    silent_for(alert, 121)
    voice_sweep()
    assert list(calls().values_list("to_phone", flat=True)) == [second.phone]


def test_without_a_principal_contact_there_is_no_call_and_one_note(alert):
    silent_for(alert, 121)
    assert voice_sweep() == 1
    assert voice_sweep() == 0
    assert not calls().exists()
    [event] = voice_events(alert)
    assert event.message is None
    assert event.detail == spanish("no call: she has no principal contact")


def test_one_call_per_alert_however_often_the_sweep_runs(account, alert):
    principal(account)
    silent_for(alert, 121)
    assert [voice_sweep() for _run in range(3)] == [1, 0, 0]
    assert calls().count() == 1


def test_two_sweeps_that_both_read_the_alert_call_once(account, alert):
    """Two sweeps at once that both saw the alert due (the read before either wrote): only one calls."""
    principal(account)
    silent_for(alert, 121)
    stale = list(Alert.objects.filter(pk=alert.pk).select_related("account"))
    with mock.patch.object(voice, "_due", side_effect=lambda now: list(stale)):
        assert voice_sweep() == 1
        assert voice_sweep() == 0
    assert calls().count() == 1
    assert len(voice_events(alert)) == 1


def test_the_call_says_her_chosen_name_and_nothing_else_of_hers(account, alert):
    principal(account)
    silent_for(alert, 121)
    voice_sweep()
    call = calls().get()
    said = twiml(call.body)  # what Twilio is given to say
    assert said.count("Lupita") == 2 * REPEAT
    contacts = list(account.contacts.values_list("phone", flat=True))
    for hers in (account.phone, account.phone[-4:], *contacts, "http", "/a/", "PRUEBA"):
        assert hers not in said


@pytest.mark.skipif(
    not django_settings.USING_POSTGRES, reason="needs real concurrent connections (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_on_postgresql_call_once():
    account = mia_account(display_name="Rosa", contacts=2)
    principal(account)
    alerts = [alert_raise(account=account, client_id=f"press-concurrent-{n}")[0] for n in range(5)]
    for alert in alerts:
        silent_for(alert, 121)
    sweeps = 6
    barrier = threading.Barrier(sweeps)
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait(timeout=30)
            voice_sweep()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _sweep in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert calls().count() == len(alerts)
    assert sorted(
        Message.objects.filter(channel=Channel.VOICE).values_list("alert_link__alert", flat=True)
    ) == [alert.pk for alert in alerts]
