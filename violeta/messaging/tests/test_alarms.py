"""Issue 13, finding 6: somebody is told when the outbox stops. A stale sender, a message waiting too long and
messages that gave up e-mail the alert monitors on duty (and log an ERROR line) once per episode, from outside
the sender: ``alarms_check()`` (the console's poll) and ``manage.py messaging_check`` (cron). The e-mail holds
counts, ages and the console's address, nothing personal."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from violeta.accounts.models import Role, User
from violeta.conftest import make_user
from violeta.core import periodic
from violeta.messaging import alarms
from violeta.messaging.models import Alarm, AlarmKind, Message, MessageKind, MessageStatus, SenderHeartbeat

pytestmark = pytest.mark.django_db

PHONE = "+526144900789"


@pytest.fixture
def on_duty(alert_monitor):
    alert_monitor.is_on_duty = True
    alert_monitor.save(update_fields=["is_on_duty"])
    return alert_monitor


@pytest.fixture
def off_duty(db):
    return make_user("monitoreo.descanso@imm.test", Role.ALERT_MONITOR, name="Maribel Descanso")


def beat(seconds_ago: float = 0, *, name: str = "host:1") -> SenderHeartbeat:
    heartbeat, _created = SenderHeartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now() - timedelta(seconds=seconds_ago), "stopped_at": None}
    )
    return heartbeat


def message(seconds_ago: float = 0, *, status=MessageStatus.PENDING) -> Message:
    return Message.objects.create(
        kind=MessageKind.ALERT,
        to_phone=PHONE,
        body="Lupita necesita ayuda: https://violeta.test/a/secreto/",
        status=status,
        next_attempt_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


def assert_nothing_personal(mail):
    for personal in (PHONE, PHONE[-7:], "Lupita", "secreto", "Mónica", "monitoreo@"):
        assert personal not in mail.subject
        assert personal not in mail.body


# --- The sender stopped ------------------------------------------------------------------------------------------


def test_a_stale_sender_emails_the_monitors_on_duty_once(on_duty, off_duty, mailoutbox, caplog):
    beat(31)

    with caplog.at_level(logging.ERROR, logger="violeta.messaging.alarms"):
        alarms.alarms_check()

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [on_duty.email]
    assert mail.subject == "Violeta: el envío de mensajes necesita atención"
    assert "31 s" in mail.body
    assert "/mia/consola/" in mail.body
    assert_nothing_personal(mail)
    assert any(r.levelno == logging.ERROR and "sender" in r.getMessage() for r in caplog.records)

    # Checked again and again during the same outage: no more e-mail.
    for _check in range(3):
        alarms.alarms_check()
    assert len(mailoutbox) == 1
    assert Alarm.objects.get().kind == AlarmKind.SENDER


def test_a_new_episode_after_recovery_emails_again(on_duty, mailoutbox):
    beat(45)
    alarms.alarms_check()
    beat(0)  # the sender is back
    alarms.alarms_check()
    assert Alarm.objects.get().cleared_at is not None
    assert len(mailoutbox) == 1

    beat(45)  # and stops again
    alarms.alarms_check()

    assert len(mailoutbox) == 2
    assert Alarm.objects.filter(cleared_at__isnull=True).count() == 1


def test_a_sender_that_never_started_is_an_alarm(on_duty, mailoutbox):
    alarms.alarms_check()
    assert len(mailoutbox) == 1
    assert "nunca" in mailoutbox[0].body.lower()


def test_a_healthy_outbox_tells_nobody(on_duty, mailoutbox):
    beat(1)
    message(2)
    state = alarms.alarms_check()
    assert state.ok
    assert mailoutbox == []
    assert not Alarm.objects.exists()


def test_nobody_on_duty_is_told_when_someone_comes_on_duty(off_duty, alert_monitor, mailoutbox, caplog):
    beat(60)
    with caplog.at_level(logging.ERROR, logger="violeta.messaging.alarms"):
        alarms.alarms_check()
    assert mailoutbox == []
    assert any("no alert monitor is on duty" in r.getMessage() for r in caplog.records)

    User.objects.filter(pk=alert_monitor.pk).update(is_on_duty=True)
    alarms.alarms_check()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [alert_monitor.email]


def test_a_failed_email_is_sent_at_the_next_check(on_duty, mailoutbox):
    beat(60)
    with mock.patch.object(alarms, "send_mail", side_effect=OSError("smtp down")):
        alarms.alarms_check()
    assert Alarm.objects.get().mailed_at is None

    alarms.alarms_check()

    assert len(mailoutbox) == 1


def test_one_open_episode_per_kind():
    """Two checks racing cannot both open the episode (and both e-mail): the database refuses the second."""
    Alarm.objects.create(kind=AlarmKind.SENDER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alarm.objects.create(kind=AlarmKind.SENDER)
    Alarm.objects.create(kind=AlarmKind.OUTBOX)
    Alarm.objects.update(cleared_at=timezone.now())
    Alarm.objects.create(kind=AlarmKind.SENDER)  # a new episode once the last one cleared


# --- The outbox is not moving --------------------------------------------------------------------------------


def test_a_due_message_older_than_30_seconds_emails_the_monitors(on_duty, mailoutbox):
    beat(0)  # the sender beats, but nothing goes out (stuck on something)
    message(31)
    message(5)

    alarms.alarms_check()

    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "2 mensajes de texto esperan salir" in body
    assert "31 s" in body
    assert_nothing_personal(mailoutbox[0])
    assert Alarm.objects.get().kind == AlarmKind.OUTBOX


# --- Messages that gave up ---------------------------------------------------------------------------------------


def test_messages_that_gave_up_are_told_once_each(on_duty, mailoutbox):
    beat(0)
    first, second = message(status=MessageStatus.GAVE_UP), message(status=MessageStatus.GAVE_UP)

    alarms.alarms_check()

    assert len(mailoutbox) == 1
    assert "2 mensajes de texto no se pudieron enviar" in mailoutbox[0].body
    assert_nothing_personal(mailoutbox[0])
    assert Message.objects.filter(pk__in=[first.pk, second.pk], alarm_sent_at__isnull=False).count() == 2

    alarms.alarms_check()
    assert len(mailoutbox) == 1

    message(status=MessageStatus.GAVE_UP)
    alarms.alarms_check()
    assert len(mailoutbox) == 2
    assert "1 mensaje de texto no se pudo enviar" in mailoutbox[1].body


# --- manage.py messaging_check -------------------------------------------------------------------------------


def test_messaging_check_exits_0_and_prints_ok_when_healthy(on_duty, mailoutbox, capsys):
    beat(1)
    call_command("messaging_check")
    assert capsys.readouterr().out.startswith("ok:")
    assert mailoutbox == []


def test_messaging_check_exits_1_tells_the_monitors_and_runs_the_safety_net(on_duty, mailoutbox, capsys):
    beat(120)
    job = mock.Mock(return_value=3)
    other = mock.Mock()
    with mock.patch.dict(periodic.JOBS, clear=True):
        periodic.register("test.net", 1, job, safety_net=True)
        periodic.register("test.other", 1, other)
        with pytest.raises(SystemExit) as exit_:
            call_command("messaging_check")

    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert out.startswith("unhealthy: sender=failing")
    assert "test.net=3" in out
    job.assert_called_once_with()
    other.assert_not_called()  # only the safety nets
    assert len(mailoutbox) == 1


def test_messaging_check_leaves_the_safety_net_to_a_beating_sender(on_duty, mailoutbox):
    beat(1)
    message(40)  # unhealthy, but the sender beats: it runs the jobs itself
    job = mock.Mock()
    with mock.patch.dict(periodic.JOBS, clear=True):
        periodic.register("test.net", 1, job, safety_net=True)
        with pytest.raises(SystemExit):
            call_command("messaging_check")
    job.assert_not_called()


def test_messaging_check_exits_2_when_the_database_is_down(capsys):
    from violeta.messaging.tests.test_health import database_down

    with database_down(), pytest.raises(SystemExit) as exit_:
        call_command("messaging_check")
    assert exit_.value.code == 2
    assert "database unreachable" in capsys.readouterr().out
