"""Acknowledgement by her contacts, and escalation to the console when nobody answers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from violeta.alerts.models import Alert, EmergencyContact
from violeta.alerts.services.alerts import (
    alert_acknowledge,
    alert_cancel,
    alert_close,
    alert_raise,
    sms_inbound,
)
from violeta.alerts.services.escalation import escalation_sweep
from violeta.alerts.tests.factories import make_due, mia_account, run_tasks

pytestmark = [pytest.mark.tasks, pytest.mark.django_db]


# --- Acknowledgement and escalation ----------------------------------------------------------------------------


def test_no_acknowledgement_escalates_and_mails_the_staff_on_duty(
    alert, on_duty, off_duty, mailoutbox, django_capture_on_commit_callbacks
):
    make_due()
    with django_capture_on_commit_callbacks(execute=True):
        escalation_sweep()

    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert alert.escalation_reason == "no_ack"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [on_duty.email]
    assert str(alert.public_id) in mail.body
    for personal in ("Lupita", alert.account.phone, alert.account.phone[-4:]):
        assert personal not in mail.subject
        assert personal not in mail.body


def test_escalation_runs_from_the_sender_sweep_when_due(
    alert, on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    run_tasks()
    assert Alert.objects.get(pk=alert.pk).escalated_at is None  # not due yet

    make_due()
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()

    assert Alert.objects.get(pk=alert.pk).escalation_reason == "no_ack"
    assert len(mailoutbox) == 1


def test_an_acknowledged_alert_is_not_escalated(
    alert, on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    recipient = alert.recipients.first()
    alert_acknowledge(recipient=recipient, via="link")
    make_due()

    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep() == 0

    alert.refresh_from_db()
    assert alert.escalated_at is None
    assert mailoutbox == []
    recipient.refresh_from_db()
    assert recipient.acknowledged_via == "link"
    assert EmergencyContact.objects.get(pk=recipient.contact_id).confirmed_at is not None


def test_an_sms_reply_acknowledges(alert, on_duty):
    contact = alert.recipients.first().contact

    assert sms_inbound(from_phone=contact.phone, body="voy") == 1

    make_due()
    escalation_sweep()
    assert Alert.objects.get(pk=alert.pk).escalated_at is None


def test_a_cancelled_alert_is_not_escalated(alert, on_duty, mailoutbox, django_capture_on_commit_callbacks):
    alert_cancel(alert=alert, pin="1234")
    make_due()

    with django_capture_on_commit_callbacks(execute=True):
        escalation_sweep()

    assert Alert.objects.get(pk=alert.pk).escalated_at is None
    assert mailoutbox == []


def test_one_sweep_raises_every_silent_alert_past_its_deadline_and_no_other(
    alert, on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    silent = alert_raise(account=mia_account(contacts=1), client_id="press-silent")[0]
    heard = alert_raise(account=mia_account(contacts=1), client_id="press-heard")[0]
    alert_acknowledge(recipient=heard.recipients.get(), via="link")
    closed = alert_raise(account=mia_account(contacts=1), client_id="press-closed")[0]
    alert_close(alert=closed, by=on_duty, outcome="false_alarm")
    later = alert_raise(account=mia_account(contacts=1), client_id="press-later")[0]
    make_due()
    Alert.objects.filter(pk=later.pk).update(escalate_at=timezone.now() + timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep() == 2

    assert {a.pk for a in Alert.objects.filter(escalated_at__isnull=False)} == {alert.pk, silent.pk}
    assert len(mailoutbox) == 2  # one per alert raised, each with its own link
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep() == 0  # raised once only

    make_due()
    run_tasks()
    assert Alert.objects.get(pk=later.pk).escalation_reason == "no_ack"
    assert Alert.objects.get(pk=heard.pk).escalated_at is None
    assert Alert.objects.get(pk=closed.pk).escalated_at is None
