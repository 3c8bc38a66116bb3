# ruff: noqa: F811 (the fixtures of test_api, imported)
"""Alerts she can trust (issue 21, item 5): per-contact message states in the app, test alerts, and the warning
for a number that failed twice. Through the API, as the app sees them."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from violeta.accounts.models import Role
from violeta.alerts.models import Alert, AlertEventKind, AlertStatus, EmergencyContact
from violeta.alerts.services.alerts import alert_acknowledge
from violeta.alerts.services.common import sms_queue
from violeta.alerts.services.escalation import escalation_sweep
from violeta.alerts.services.events import alert_event_record
from violeta.alerts.services.practice import alert_tests_expire
from violeta.alerts.tests.factories import run_tasks
from violeta.alerts.tests.test_api import her, raise_alert, sms_outbox  # noqa: F401 (fixtures)
from violeta.messaging.models import Channel, Message, MessageKind, MessageStatus
from violeta.messaging.services import status_update

pytestmark = [pytest.mark.tasks, pytest.mark.django_db]


def _state(api, alert) -> dict:
    response = api.get(f"/alerts/{alert['id']}")
    assert response.status_code == 200, response.content
    return response.json()


def _alert_messages(kind=MessageKind.ALERT):
    return list(Message.objects.filter(kind=kind).order_by("id"))


# --- Per-contact states ----------------------------------------------------------------------------------------


def test_each_contact_shows_the_state_of_her_message_as_it_happens(her):
    alert = raise_alert(her)
    contacts = _state(her, alert)["contacts"]
    assert [c["name"] for c in contacts] == ["Contacto 1", "Contacto 2"]
    assert [c["state"] for c in contacts] == ["sending", "sending"]
    assert contacts[0]["messages"] == [{"channel": "sms", "state": "sending", "fallback": False}]

    run_tasks()
    assert [c["state"] for c in _state(her, alert)["contacts"]] == ["sent", "sent"]

    first, second = _alert_messages()
    status_update(provider_message_id=first.provider_message_id, provider_status="delivered")
    status_update(provider_message_id=second.provider_message_id, provider_status="read")
    assert [c["state"] for c in _state(her, alert)["contacts"]] == ["delivered", "read"]

    recipient = Alert.objects.get().recipients.get(contact__name="Contacto 2")
    alert_acknowledge(recipient=recipient, via="link")
    contacts = _state(her, alert)["contacts"]
    assert [c["state"] for c in contacts] == ["delivered", "acknowledged"]
    assert contacts[1]["acknowledged_at"] and contacts[1]["messages"][0]["state"] == "read"


def test_a_failed_message_shows_failed_and_an_sms_fallback_is_marked(her):
    alert = raise_alert(her)
    run_tasks()
    first, second = _alert_messages()
    status_update(provider_message_id=first.provider_message_id, provider_status="undelivered")
    assert _state(her, alert)["contacts"][0]["state"] == "failed"

    # A WhatsApp message not delivered, sent again by SMS (helper "wa" records the fallback as an AlertEvent).
    stored = Alert.objects.get()
    recipient = stored.recipients.get(contact__name="Contacto 2")
    Message.objects.filter(pk=second.pk).update(channel=Channel.WHATSAPP, status=MessageStatus.FAILED)
    again = sms_queue(kind=MessageKind.ALERT, to=second.to_phone, body="x", alert=stored, recipient=recipient)
    alert_event_record(alert=stored, kind=AlertEventKind.FALLBACK, message=again)
    contact = _state(her, alert)["contacts"][1]
    assert contact["messages"] == [
        {"channel": "whatsapp", "state": "failed", "fallback": False},
        {"channel": "sms", "state": "sending", "fallback": True},
    ]
    assert contact["state"] == "sending"  # the furthest any of her messages got


def test_a_duress_alert_shows_no_contact_states(her):
    alert = raise_alert(her)
    assert her.post(f"/alerts/{alert['id']}/cancel", {"pin": "9999"}).status_code == 200
    assert _state(her, alert)["contacts"] == []


# --- Test alerts -----------------------------------------------------------------------------------------------


def _raise_test(api) -> dict:
    response = api.post("/alerts", {"client_id": str(uuid.uuid4()), "test": True})
    assert response.status_code == 201, response.content
    assert response.json()["is_test"] is True
    return response.json()


def test_every_message_of_a_test_alert_says_prueba(her, sms_outbox):
    alert = _raise_test(her)
    assert (
        her.post(
            f"/alerts/{alert['id']}/locations", {"lat": 28.63, "lon": -106.07, "accuracy": 15}
        ).status_code
        == 201
    )
    assert her.post(f"/alerts/{alert['id']}/end-test").status_code == 200
    run_tasks()
    kinds = {m.kind for m in Message.objects.filter(alert_link__isnull=False)}
    assert kinds == {MessageKind.ALERT, MessageKind.LOCATION, MessageKind.CANCELLED}
    assert len(sms_outbox) == 6
    assert all(m["body"].startswith("PRUEBA") for m in sms_outbox), [m["body"] for m in sms_outbox]
    assert Alert.objects.get().status == AlertStatus.CANCELLED


def test_a_real_alert_says_no_prueba_and_does_not_end_without_the_pin(her, sms_outbox):
    alert = raise_alert(her)
    assert alert["is_test"] is False
    response = her.post(f"/alerts/{alert['id']}/end-test")
    assert response.status_code == 400 and response.json()["code"] == "not_test"
    assert Alert.objects.get().status == AlertStatus.ACTIVE
    run_tasks()
    assert not any("PRUEBA" in m["body"] for m in sms_outbox)


def test_a_test_alert_escalates_no_email(her, django_user_model, django_capture_on_commit_callbacks):
    django_user_model.objects.create_user(
        email="monitora@example.org",
        role=Role.ALERT_MONITOR,
        is_on_duty=True,
    )
    _raise_test(her)
    Alert.objects.filter(is_test=True).update(escalate_at=timezone.now() - timedelta(minutes=5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep(now=timezone.now() + timedelta(hours=1)) == 0
    assert Alert.objects.get().escalated_at is None and mail.outbox == []

    raise_alert(her)  # a real one beside it is raised, and the monitor e-mailed
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep(now=timezone.now() + timedelta(hours=1)) == 1
    assert Alert.objects.get(is_test=False).escalated_at and len(mail.outbox) == 1


def test_a_forgotten_test_alert_ends_by_itself(her, settings, sms_outbox):
    alert = _raise_test(her)
    assert alert_tests_expire() == 0
    later = timezone.now() + timedelta(minutes=settings.MIA["TEST_ALERT_MINUTES"], seconds=1)
    real = raise_alert(her)
    assert alert_tests_expire(now=later) == 1
    assert Alert.objects.get(public_id=alert["id"]).status == AlertStatus.CANCELLED
    assert Alert.objects.get(public_id=real["id"]).status == AlertStatus.ACTIVE
    assert Message.objects.filter(kind=MessageKind.CANCELLED).count() == 2


# --- A number that failed twice --------------------------------------------------------------------------------


def _fail(to: str) -> None:
    Message.objects.create(kind=MessageKind.ALERT, to_phone=to, body="x", status=MessageStatus.GAVE_UP)


def test_a_number_that_failed_twice_is_flagged(her):
    contacts = her.get("/contacts").json()
    assert [c["delivery_problem"] for c in contacts] == [False, False]
    one, two = EmergencyContact.objects.order_by("id")
    _fail(one.phone)
    assert [c["delivery_problem"] for c in her.get("/contacts").json()] == [False, False]
    _fail(one.phone)
    Message.objects.create(
        kind=MessageKind.ALERT, to_phone="+526141112233", body="x", status=MessageStatus.GAVE_UP
    )
    Message.objects.create(
        kind=MessageKind.ALERT, to_phone="+526141112233", body="x", status=MessageStatus.GAVE_UP
    )
    Message.objects.create(
        kind=MessageKind.ALERT, to_phone=two.phone, body="x", status=MessageStatus.DELIVERED
    )
    assert [c["delivery_problem"] for c in her.get("/contacts").json()] == [True, False]
