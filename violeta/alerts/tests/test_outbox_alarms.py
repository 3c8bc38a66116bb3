"""Issue 13, finding 6, on MIA's side: when the sender stops, the console says so in red and the monitors on duty
are e-mailed (by the console's own poll, not by the sender), and ``manage.py messaging_check`` (cron) raises the
alerts nobody answered itself, since the sender that normally does it is the one that stopped."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from violeta.alerts.models import Alert
from violeta.alerts.tests.factories import make_due, mia_alert, run_tasks
from violeta.messaging import alarms
from violeta.messaging.models import Message, MessageStatus, SenderHeartbeat

pytestmark = [pytest.mark.tasks, pytest.mark.django_db]


@pytest.fixture
def on_duty(alert_monitor):
    alert_monitor.is_on_duty = True
    alert_monitor.save(update_fields=["is_on_duty"])
    return alert_monitor


def beat(seconds_ago: float) -> None:
    SenderHeartbeat.objects.update_or_create(
        name="host:1", defaults={"beat_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


def banner(client) -> str:
    html = client.get(reverse("alerts:console_list")).content.decode()
    if 'data-testid="outbox-alarm"' not in html:
        return ""
    start = html.index('data-testid="outbox-alarm"')
    return html[start : html.index("</div>\n</div>", start)]


# --- The console's banner ----------------------------------------------------------------------------------------


def test_the_console_shows_a_red_banner_and_its_poll_emails_the_monitors_when_the_sender_stopped(
    client, on_duty, mailoutbox
):
    mia_alert()
    beat(95)
    client.force_login(on_duty)

    text = banner(client)

    assert "El envío de SMS está detenido desde hace 1 min" in text
    assert "Avise a sistemas" in text
    assert len(mailoutbox) == 1  # told once by the console's poll, not by the sender
    assert mailoutbox[0].to == [on_duty.email]

    for _poll in range(3):
        assert banner(client)
    assert len(mailoutbox) == 1  # once per episode


def test_the_full_console_page_shows_the_banner_too(client, on_duty):
    client.force_login(on_duty)
    html = client.get(reverse("alerts:console")).content.decode()
    assert 'data-testid="outbox-alarm"' in html
    assert "nunca ha iniciado" in html


def test_no_banner_while_the_sender_beats_and_messages_go_out(client, on_duty, mailoutbox):
    mia_alert()
    run_tasks()  # the sender's round beats and sends
    client.force_login(on_duty)
    assert banner(client) == ""
    assert mailoutbox == []


def test_the_banner_shows_messages_waiting_too_long(client, on_duty):
    mia_alert()
    beat(0)
    Message.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=40))
    client.force_login(on_duty)
    assert "SMS esperan salir; el más antiguo desde hace 40 s" in banner(client)


def test_the_banner_links_the_alerts_whose_messages_gave_up(client, on_duty, mailoutbox):
    alert = mia_alert()
    run_tasks()
    message = alert.messages.first()
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.GAVE_UP)
    beat(0)
    client.force_login(on_duty)

    text = banner(client)

    assert "1 SMS no se pudo enviar tras todos los intentos" in text
    assert reverse("alerts:console_detail", kwargs={"public_id": alert.public_id}) in text
    assert alert.account.display_name not in text
    assert len(mailoutbox) == 1
    assert Message.objects.get(pk=message.pk).alarm_sent_at is not None


def test_the_console_checks_at_most_every_few_seconds(client, on_duty):
    """The poll reads the state every time (for the banner) but runs the e-mailing check once per window."""
    beat(95)
    client.force_login(on_duty)
    with mock.patch.object(alarms, "alarms_check", wraps=alarms.alarms_check) as check:
        for _poll in range(3):
            assert banner(client)
    assert check.call_count == 1


def test_other_staff_see_no_console_and_no_banner(client, lawyer):
    client.force_login(lawyer)
    assert client.get(reverse("alerts:console_list")).status_code == 404


# --- messaging_check: the safety net without the sender -------------------------------------------------------


def test_messaging_check_escalates_an_overdue_alert_when_the_sender_is_dead(
    on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    alert = mia_alert()
    make_due()
    beat(120)  # the sender died two minutes ago

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit) as exit_:
        call_command("messaging_check")

    assert exit_.value.code == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert alert.escalation_reason == "no_ack"
    subjects = sorted(mail.subject for mail in mailoutbox)
    assert subjects == [
        "Violeta: el envío de mensajes necesita atención",
        "Violeta: una alerta requiere atención",
    ]


def test_messaging_check_leaves_escalation_to_a_living_sender(on_duty, mailoutbox):
    alert = mia_alert()
    run_tasks()  # the alert's messages are sent; the sender beat
    Alert.objects.filter(pk=alert.pk).update(escalate_at=timezone.now() - timedelta(seconds=1))

    call_command("messaging_check")  # healthy: exit status 0

    assert Alert.objects.get(pk=alert.pk).escalated_at is None  # the sender's own sweep will raise it
    assert mailoutbox == []
