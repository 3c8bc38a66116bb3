"""MIA alerts and their response times, against a small data set counted by hand."""

from datetime import timedelta

import pytest

from violeta.alerts.models import Alert, AlertMessage, Outcome
from violeta.alerts.services.alerts import alert_acknowledge, alert_cancel, alert_close
from violeta.alerts.tests.factories import mia_account, mia_alert
from violeta.cases.tests.factories import CaseFactory
from violeta.messaging.models import Message
from violeta.people.tests.factories import PersonFactory
from violeta.reports.indicators import Filters, Rule, get
from violeta.reports.indicators.timing import SecondsBetween, summary
from violeta.reports.tests.reach_data import NOVEMBER, at, statistics_consent

pytestmark = pytest.mark.django_db

FIRST_SMS = ("Desde la alerta hasta su primer mensaje de texto enviado",)
FIRST_ACK = ("Desde la alerta hasta el primer acuse de un contacto",)
CLOSED = ("Desde la escalada hasta el cierre por el personal",)


@pytest.fixture(autouse=True)
def _sms_to_memory(settings):
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"


def alert_at(account, started, *, sms=(), ack=None):
    """An alert raised through the service, moved to ``started``; its first ``sms`` messages sent that many
    seconds after; its first contact acknowledging ``ack`` seconds after."""
    alert = mia_alert(account)
    Alert.objects.filter(pk=alert.pk).update(started_at=started)
    links = AlertMessage.objects.filter(alert=alert).order_by("pk")
    for link, seconds in zip(links, sms, strict=False):
        Message.objects.filter(pk=link.message_id).update(sent_at=started + timedelta(seconds=seconds))
    if ack is not None:
        recipient = alert.recipients.order_by("pk").first()
        alert_acknowledge(recipient=recipient, via="link")
        type(recipient).objects.filter(pk=recipient.pk).update(
            acknowledged_at=started + timedelta(seconds=ack)
        )
    alert.refresh_from_db()
    return alert


def escalated_and_closed(alert, by, *, escalated: int, closed: int, outcome=Outcome.POLICE_ATTENDED):
    alert_close(alert=alert, by=by, outcome=outcome)
    Alert.objects.filter(pk=alert.pk).update(
        escalated_at=alert.started_at + timedelta(seconds=escalated),
        ended_at=alert.started_at + timedelta(seconds=closed),
    )


@pytest.fixture
def alerts(lawyer, alert_monitor):
    """November 2026.
    A1 Ana's account (linked, she consented): SMS at 4 s and 10 s, acknowledged at 60 s, closed as a false alarm.
    A2 Bea's account (linked, no consent): SMS at 6 s and 8 s, nobody acknowledged; escalated at 180 s, closed
       by the monitor at 480 s (300 s after).
    A3 an unlinked account, but the alert was linked to Bea's case: SMS at 2 s, acknowledged at 30 s, cancelled
       by her with her PIN.
    A4 an unlinked account: no SMS sent yet, acknowledged at 90 s, cancelled with the duress PIN, escalated at
       20 s, closed at 140 s (120 s after).
    A5 October: outside the period."""
    ana, bea = PersonFactory(), PersonFactory()
    statistics_consent(ana, lawyer)
    bea_case = CaseFactory(holder=bea, opened_by=lawyer)
    a1 = alert_at(mia_account(person=ana), at(3), sms=(4, 10), ack=60)
    alert_close(alert=a1, by=alert_monitor, outcome=Outcome.FALSE_ALARM)
    a2 = alert_at(mia_account(person=bea), at(5), sms=(6, 8))
    escalated_and_closed(a2, alert_monitor, escalated=180, closed=480)
    a3 = alert_at(mia_account(), at(7), sms=(2,), ack=30)
    alert_cancel(alert=a3, pin="1234")
    Alert.objects.filter(pk=a3.pk).update(case=bea_case)
    a4 = alert_at(mia_account(), at(9), ack=90)
    alert_cancel(alert=a4, pin="9999")
    a4.refresh_from_db()
    escalated_and_closed(a4, alert_monitor, escalated=20, closed=140)
    alert_at(mia_account(), at(30, 10), sms=(1,), ack=5)


def test_alerts_raised_false_alarms_duress_and_escalations(alerts):
    table = get("mia_alerts")
    assert table(NOVEMBER).as_dict() == {
        ("Activadas",): {"alerts": 4},
        ("Canceladas por ella",): {"alerts": 1},
        ("Falsas alarmas",): {"alerts": 1},
        ("Coacción (canceladas con el NIP de coacción)",): {"alerts": 1},
        ("Escaladas a la consola",): {"alerts": 2},
    }
    # Bea did not consent: A2 (her account) and A3 (her case) leave; A4's account is nobody's: it stays.
    assert table(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("Activadas",): {"alerts": 2},
        ("Canceladas por ella",): {"alerts": 0},
        ("Falsas alarmas",): {"alerts": 1},
        ("Coacción (canceladas con el NIP de coacción)",): {"alerts": 1},
        ("Escaladas a la consola",): {"alerts": 1},
    }
    first_days = Filters(start=NOVEMBER.start, end=NOVEMBER.start.replace(day=4))
    assert table(first_days).as_dict()[("Activadas",)] == {"alerts": 1}


def test_response_times_are_the_median_and_90th_percentile_in_seconds(alerts):
    table = get("mia_response_times")(NOVEMBER)
    # First SMS: 2, 4, 6 (A4 has none sent). Acknowledgement: 30, 60, 90. Escalation to closing: 120, 300.
    assert table.as_dict() == {
        FIRST_SMS: {"alerts": 3, "median_seconds": 4.0, "p90_seconds": 5.6},
        FIRST_ACK: {"alerts": 3, "median_seconds": 60.0, "p90_seconds": 84.0},
        CLOSED: {"alerts": 2, "median_seconds": 210.0, "p90_seconds": 282.0},
    }
    assert not table.additive
    # Without Bea's A2 and A3: first SMS 4; acknowledgement 60, 90; escalation to closing 120.
    assert get("mia_response_times")(NOVEMBER, Rule.STATISTICS).as_dict() == {
        FIRST_SMS: {"alerts": 1, "median_seconds": 4.0, "p90_seconds": 4.0},
        FIRST_ACK: {"alerts": 2, "median_seconds": 75.0, "p90_seconds": 87.0},
        CLOSED: {"alerts": 1, "median_seconds": 120.0, "p90_seconds": 120.0},
    }


def test_nothing_measured_gives_empty_times(alerts):
    december = get("mia_response_times")(Filters.month(2026, 12)).as_dict()
    assert december[FIRST_SMS] == {"alerts": 0, "median_seconds": None, "p90_seconds": None}


def test_percentiles_interpolate_between_the_values_around_the_rank(alerts):
    """Over the November messages sent: A1's at 4 and 10 s, A2's at 6 and 8 s, A3's at 2 s."""
    rows = Message.objects.filter(sent_at__isnull=False, alert_link__alert__started_at__gte=at(1))
    seconds = SecondsBetween("sent_at", "alert_link__alert__started_at")
    figures = summary(rows, seconds, (0, 0.25, 0.5, 0.9, 1))
    # 2, 4, 6, 8, 10: the rank of p is p × 4.
    expected = {"n": 5, "mean": 6.0, "p0": 2.0, "p25": 4.0, "p50": 6.0, "p90": 9.2, "p100": 10.0}
    assert figures == pytest.approx(expected)
    by_alert = summary(rows, seconds, (0.5,), group_by="alert_link__alert__started_at")
    assert {key: value["p50"] for key, value in by_alert.items()} == pytest.approx(
        {at(3): 7.0, at(5): 7.0, at(7): 2.0}
    )
