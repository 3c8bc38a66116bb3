"""The alert: raising it, its locations, cancelling (and the duress PIN), closing, encryption at rest."""

import math
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.alerts.models import Alert, AlertLocation, AlertMessage, AlertStatus, MiaAccount, Outcome
from violeta.alerts.services.alerts import alert_cancel, alert_close, alert_locate, alert_raise
from violeta.alerts.tests.factories import (
    emergency_contact,
    live_token,
    mia_account,
    queued,
    run_tasks,
    token_in,
)
from violeta.alerts.tests.services.helpers import assert_error_in_spanish, sms, spanish
from violeta.audit.models import Action, AuditEvent
from violeta.core.tokens import token_hash
from violeta.messaging.backends import locmem
from violeta.messaging.models import Message, MessageKind
from violeta.messaging.text import fit, is_single_gsm7_segment
from violeta.testing.db import raw_column

pytestmark = [pytest.mark.tasks, pytest.mark.django_db]


# --- The alert -------------------------------------------------------------------------------------------------


def test_alert_queues_one_sms_per_contact_at_once_without_a_location(account):
    removed = emergency_contact(account, name="Ex")
    removed.removed_at = timezone.now()
    removed.save()

    alert, created = alert_raise(account=account, client_id="press-0001")

    assert created
    assert alert.status == AlertStatus.ACTIVE
    assert not AlertLocation.objects.exists()
    contacts = list(account.contacts.filter(removed_at__isnull=True))
    messages = list(sms(MessageKind.ALERT))
    assert sorted(m.to_phone for m in messages) == sorted(c.phone for c in contacts)
    for message in messages:
        link = AlertMessage.objects.get(message=message)
        assert link.alert == alert
        assert link.recipient.contact.phone == message.to_phone
        assert token_hash(token_in(message.body)) == link.recipient.token_hash
        assert "Lupita" in message.body
        assert is_single_gsm7_segment(message.body)
    # queued in the outbox with the alert (one statement on the hot path): no task row per alert
    assert sorted(queued(MessageKind.ALERT).values_list("pk", flat=True)) == sorted(m.pk for m in messages)

    run_tasks()

    assert sorted(sent["to"] for sent in locmem.outbox) == sorted(c.phone for c in contacts)
    assert removed.phone not in {sent["to"] for sent in locmem.outbox}


def test_alert_has_its_escalation_deadline(account, settings):
    settings.MIA = {**settings.MIA, "ESCALATE_AFTER_SECONDS": 240}

    alert, _created = alert_raise(account=account, client_id="press-0001")

    assert Alert.objects.get(pk=alert.pk).escalate_at == alert.started_at + timedelta(seconds=240)


def test_the_alert_sms_is_in_spanish(alert):
    message = sms(MessageKind.ALERT).first()

    link = f"{django_settings.SITE_URL.rstrip('/')}/a/{live_token(message.alert_link.recipient)}/"
    template = spanish("MIA ALERT: {name} needs help. Live location: {link}")
    assert message.body == fit(template, name="Lupita", link=link)


def test_the_same_press_twice_makes_one_alert(account):
    first, created_first = alert_raise(account=account, client_id="press-0001")
    again, created_again = alert_raise(account=account, client_id="press-0001")

    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert Alert.objects.count() == 1
    assert sms(MessageKind.ALERT).count() == 2


def test_an_alert_needs_a_contact_and_an_identifier():
    account = mia_account(contacts=0)

    with pytest.raises(ValidationError) as excinfo:
        alert_raise(account=account, client_id="press-0001")
    assert excinfo.value.code == "no_contacts"

    emergency_contact(account)
    with pytest.raises(ValidationError) as excinfo:
        alert_raise(account=account, client_id="  ")
    assert "client_id" in excinfo.value.message_dict
    assert not Alert.objects.exists()
    assert not Message.objects.exists()


def test_first_location_tells_each_contact_once(alert):
    location = alert_locate(alert=alert, lat=28.632996, lon=-106.069100, accuracy=12)

    assert location.lat_lon == (28.632996, -106.0691)
    assert location.accuracy_m == 12
    first = list(sms(MessageKind.LOCATION))
    assert len(first) == 2
    assert {m.alert_link.recipient_id for m in first} == set(alert.recipients.values_list("id", flat=True))
    for message in first:
        assert token_hash(token_in(message.body)) == message.alert_link.recipient.token_hash
        assert is_single_gsm7_segment(message.body)

    alert_locate(alert=alert, lat="28.64", lon="-106.07", accuracy="30.5")
    alert_locate(alert=alert, lat=28.65, lon=-106.08, accuracy=8)

    assert alert.locations.count() == 3
    assert sms(MessageKind.LOCATION).count() == 2
    assert alert.locations.first().lat_lon == (28.65, -106.08)


def test_a_location_slightly_in_the_future_is_dated_now_and_far_ahead_is_refused(alert):
    before = timezone.now()

    location = alert_locate(
        alert=alert, lat=28.6, lon=-106.1, accuracy=10, captured_at=timezone.now() + timedelta(minutes=2)
    )

    assert before <= location.captured_at <= timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        alert_locate(
            alert=alert, lat=28.6, lon=-106.1, accuracy=10, captured_at=timezone.now() + timedelta(hours=2)
        )
    assert excinfo.value.code == "location"
    assert AlertLocation.objects.filter(alert=alert).count() == 1


MALFORMED = [
    (91, -106.1, 10),
    (-90.0001, -106.1, 10),
    (28.6, -181, 10),
    (28.6, 180.5, 10),
    ("abc", -106.1, 10),
    (28.6, "", 10),
    (None, -106.1, 10),
    (28.6, None, 10),
    (28.6, -106.1, None),
    (math.nan, -106.1, 10),
    (28.6, math.nan, 10),
    ("nan", -106.1, 10),
    (28.6, -106.1, math.nan),
    (math.inf, -106.1, 10),
    (28.6, -106.1, math.inf),
    (28.6, -106.1, -1),
    (28.6, -106.1, "-0.5"),
    ([28.6], -106.1, 10),
]


@pytest.mark.parametrize(("lat", "lon", "accuracy"), MALFORMED)
def test_malformed_coordinates_are_refused_and_nothing_is_stored(alert, lat, lon, accuracy):
    with pytest.raises(ValidationError) as excinfo:
        alert_locate(alert=alert, lat=lat, lon=lon, accuracy=accuracy)

    assert excinfo.value.code == "location"
    assert not AlertLocation.objects.exists()
    assert not sms(MessageKind.LOCATION).exists()


def test_malformed_coordinates_get_a_spanish_message(alert):
    with pytest.raises(ValidationError) as excinfo:
        alert_locate(alert=alert, lat=91, lon=-181, accuracy=10)

    assert_error_in_spanish(excinfo, "The location is not valid.")


def test_a_cancelled_alert_takes_no_more_locations(alert):
    alert_cancel(alert=alert, pin="1234")

    with pytest.raises(ValidationError) as excinfo:
        alert_locate(alert=alert, lat=28.6, lon=-106.1, accuracy=10)

    assert excinfo.value.code == "inactive"
    assert not AlertLocation.objects.exists()
    assert not sms(MessageKind.LOCATION).exists()


# --- Cancelling, and the duress PIN ----------------------------------------------------------------------------


def test_duress_pin_looks_cancelled_but_the_alert_stays_active_and_flagged(
    alert, on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        returned = alert_cancel(alert=alert, pin="9999")  # no error: she sees "alerta cancelada"

    assert returned.pk == alert.pk
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    assert alert.is_duress
    assert alert.escalated_at is not None
    assert alert.escalation_reason == "duress"
    assert alert.ended_at is None
    assert not sms(MessageKind.CANCELLED).exists()
    assert MiaAccount.objects.get(pk=alert.account_id).pin_failures == 0
    assert [m.to for m in mailoutbox] == [[on_duty.email]]
    run_tasks()
    assert all("cancel" not in sent["body"].lower() for sent in locmem.outbox)


def test_after_the_duress_pin_the_real_pin_does_not_cancel_either(alert):
    alert_cancel(alert=alert, pin="9999")

    alert_cancel(alert=alert, pin="1234")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    assert alert.is_duress
    assert not sms(MessageKind.CANCELLED).exists()


def test_duress_alert_still_takes_locations(alert):
    alert_cancel(alert=alert, pin="9999")

    alert_locate(alert=alert, lat=28.6, lon=-106.1, accuracy=10)

    assert alert.locations.count() == 1


def test_her_pin_cancels_and_each_contact_is_told(alert, account):
    alert_cancel(alert=alert, pin="1234")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.CANCELLED
    assert not alert.is_duress
    assert alert.ended_at is not None
    assert alert.escalated_at is None
    cancelled = list(sms(MessageKind.CANCELLED))
    contacts = sorted(account.contacts.values_list("phone", flat=True))
    assert sorted(m.to_phone for m in cancelled) == contacts
    assert all("Lupita" in m.body and is_single_gsm7_segment(m.body) for m in cancelled)
    run_tasks()
    assert (
        sorted(sent["to"] for sent in locmem.outbox if sent["body"] in {m.body for m in cancelled})
        == contacts
    )


def test_cancelling_twice_sends_the_cancellation_once(alert):
    alert_cancel(alert=alert, pin="1234")
    alert_cancel(alert=alert, pin="1234")

    assert sms(MessageKind.CANCELLED).count() == 2  # one per contact, once


def test_wrong_pins_are_counted_and_then_even_the_right_one_is_refused(alert, settings):
    limit = settings.MIA["PIN_MAX_FAILURES"]

    for failures in range(1, limit + 1):
        with pytest.raises(ValidationError) as excinfo:
            alert_cancel(alert=alert, pin="0000")
        assert "pin" in excinfo.value.message_dict
        # Counted although the call raised.
        assert MiaAccount.objects.get(pk=alert.account_id).pin_failures == failures

    with pytest.raises(ValidationError) as excinfo:
        alert_cancel(alert=alert, pin="1234")

    assert excinfo.value.error_dict["pin"][0].code == "pin_locked"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    assert not sms(MessageKind.CANCELLED).exists()


def test_the_right_pin_resets_the_count_of_wrong_ones(alert, account):
    for _failure in range(3):
        with pytest.raises(ValidationError):
            alert_cancel(alert=alert, pin="0000")

    alert_cancel(alert=alert, pin="1234")

    account.refresh_from_db()
    assert account.pin_failures == 0
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.CANCELLED


# --- Closing and retention -------------------------------------------------------------------------------------


def test_close_sets_the_retention_and_writes_an_audit_event(alert, alert_monitor, settings):
    settings.MIA = {**settings.MIA, "LOCATION_RETENTION_DAYS": 30}
    before = timezone.now()

    closed = alert_close(alert=alert, by=alert_monitor, outcome=Outcome.FALSE_ALARM, note="Se activó sola")

    after = timezone.now()
    closed.refresh_from_db()
    assert closed.status == AlertStatus.CLOSED
    assert closed.outcome == Outcome.FALSE_ALARM
    assert closed.closed_by == alert_monitor
    assert closed.ended_at is not None
    assert before + timedelta(days=30) <= closed.purge_after <= after + timedelta(days=30)
    event = AuditEvent.objects.get(object_type="alerts.alert", object_id=str(alert.pk))
    assert event.action == Action.UPDATE
    assert event.actor == alert_monitor
    assert "Se activó sola" not in event.detail


def test_close_uses_90_days_by_default(alert, alert_monitor):
    closed = alert_close(alert=alert, by=alert_monitor, outcome=Outcome.HELPED_BY_CONTACT)

    assert closed.purge_after - timezone.now() > timedelta(days=89, hours=23)
    assert closed.purge_after - timezone.now() <= timedelta(days=90)


def test_an_alert_closes_once_and_with_a_known_outcome(alert, alert_monitor):
    with pytest.raises(ValidationError):
        alert_close(alert=alert, by=alert_monitor, outcome="made_up")
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACTIVE
    assert not AuditEvent.objects.filter(object_type="alerts.alert").exists()

    alert_close(alert=alert, by=alert_monitor, outcome=Outcome.OTHER)
    with pytest.raises(ValidationError):
        alert_close(alert=alert, by=alert_monitor, outcome=Outcome.OTHER)
    assert AuditEvent.objects.filter(object_type="alerts.alert").count() == 1


def test_coordinates_and_sms_text_are_encrypted_at_rest(alert):
    location = alert_locate(alert=alert, lat=28.632996, lon=-106.069100, accuracy=12)
    message = sms(MessageKind.ALERT).first()

    raw_coordinates = raw_column("alerts_alertlocation", "coordinates", location.pk)
    raw_body = raw_column("messaging_message", "body", message.pk)

    assert raw_coordinates.startswith("v1:")
    assert "28.63" not in raw_coordinates
    assert "106.06" not in raw_coordinates
    assert live_token(message.alert_link.recipient) not in raw_body
    assert "Lupita" not in raw_body
    assert AlertLocation.objects.get(pk=location.pk).lat_lon == (28.632996, -106.0691)


def test_an_account_with_more_contacts_than_the_limit_still_alerts_every_one(account, settings):
    """Contacts beyond MAX_CONTACTS (the limit lowered after they were added) still get the alert."""
    settings.MIA = {**settings.MIA, "MAX_CONTACTS": 2}
    for number in range(6 - account.contacts.count()):
        emergency_contact(account, name=f"Extra {number}")

    alert, created = alert_raise(account=account, client_id="press-many")

    assert created
    assert alert.messages.count() == 6 == alert.recipients.count()
    assert len({recipient.token_hash for recipient in alert.recipients.all()}) == 6
    again, created_again = alert_raise(account=account, client_id="press-many")
    assert (again.pk, created_again) == (alert.pk, False)
