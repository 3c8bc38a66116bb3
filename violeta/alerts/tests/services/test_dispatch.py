"""The hand-off to 9-1-1 / C4: what it carries, once per alert, never for a test, and the automatic rule."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.alerts.models import AlertDispatch, AlertEvent, AlertMessage
from violeta.alerts.services.alerts import alert_close, alert_locate, alert_raise
from violeta.alerts.services.dispatch import alert_dispatch, dispatch_auto_sweep
from violeta.alerts.services.retention import locations_purge
from violeta.alerts.tests.factories import mia_account
from violeta.audit.models import AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.core import periodic
from violeta.core.tokens import token_hash
from violeta.messaging.models import Message, MessageKind
from violeta.messaging.text import is_single_gsm7_segment
from violeta.violence.models import ProtectionOrder
from violeta.violence.tests.factories import assess, epv_r, granted_order

pytestmark = pytest.mark.django_db
C4_URL = "https://c4.chihuahua.example/mia"
# Everything a hand-off carries (docs/mia.md, "Dispatch"): nothing else of hers.
PAYLOAD_KEYS = {"version", "alert_id", "started_at", "name", "location", "live_url", "test"}


@pytest.fixture(autouse=True)
def _dispatch_on(settings):
    settings.SITE_URL = "https://violeta.example"
    settings.MIA = {
        **settings.MIA,
        "DISPATCH_CHANNEL": "webhook",
        "DISPATCH_TARGET": C4_URL,
        "DISPATCH_SECRET": "c4-secret",
        "DISPATCH_AUTO": True,
    }
    settings.MESSAGING_BACKENDS = {
        **settings.MESSAGING_BACKENDS,
        "webhook": "violeta.messaging.backends.locmem.LocmemBackend",
    }


def dispatch_message() -> Message:
    return Message.objects.get(kind=MessageKind.DISPATCH)


def test_the_payload_carries_her_chosen_name_latest_location_and_a_live_link_and_nothing_else(
    account, alert, alert_monitor
):
    alert_locate(alert=alert, lat=28.63528, lon=-106.08889, accuracy=80)
    latest = alert_locate(alert=alert, lat=28.6361234, lon=-106.0771234, accuracy=12.4)

    dispatch = alert_dispatch(alert=alert, by=alert_monitor)

    message = dispatch_message()
    assert (message.channel, message.to_phone) == ("webhook", C4_URL)
    payload = json.loads(message.body)
    assert set(payload) == PAYLOAD_KEYS
    assert payload["alert_id"] == str(alert.public_id)
    assert payload["name"] == "Lupita"
    assert payload["location"] == {
        "lat": 28.636123,
        "lon": -106.077123,
        "accuracy_m": 12,
        "captured_at": timezone.localtime(latest.captured_at).isoformat(timespec="seconds"),
    }
    assert payload["test"] is False
    # the dispatcher's own link: its token's hash is stored, not the contacts' tokens
    token = payload["live_url"].rsplit("/d/", 1)[1].strip("/")
    assert token_hash(token) == dispatch.token_hash
    assert not alert.recipients.filter(token_hash=dispatch.token_hash).exists()
    # nothing of hers beyond that: not her phone, not her contacts
    assert account.phone not in message.body and account.phone[-10:] not in message.body
    for contact in account.contacts.all():
        assert contact.phone[-10:] not in message.body and contact.name not in message.body
    # recorded on the alert's timeline with its message, linked to the alert, and audited
    event = AlertEvent.objects.get(alert=alert, kind="dispatch")
    assert (event.message, event.by) == (message, alert_monitor)
    assert AlertMessage.objects.filter(message=message, alert=alert, recipient=None).exists()
    assert AuditEvent.objects.filter(
        actor=alert_monitor, object_type="alerts.alertdispatch", object_id=str(dispatch.pk)
    ).exists()


def test_without_a_location_yet_the_payload_says_so(alert, alert_monitor):
    alert_dispatch(alert=alert, by=alert_monitor)
    assert json.loads(dispatch_message().body)["location"] is None


def test_once_per_alert_unless_the_monitor_confirms_sending_it_again(alert, alert_monitor):
    alert_dispatch(alert=alert, by=alert_monitor)
    with pytest.raises(ValidationError) as excinfo:
        alert_dispatch(alert=alert, by=alert_monitor)
    assert excinfo.value.code == "already"
    assert Message.objects.filter(kind=MessageKind.DISPATCH).count() == 1

    alert_dispatch(alert=alert, by=alert_monitor, again=True)
    assert Message.objects.filter(kind=MessageKind.DISPATCH).count() == 2
    audits = AuditEvent.objects.filter(object_type="alerts.alertdispatch").order_by("id")
    details = list(audits.values_list("detail", flat=True))
    assert details == ["traspaso a 9-1-1", "traspaso a 9-1-1 (reenvío)"]


def test_a_test_alert_is_never_handed_over(account, alert_monitor):
    test_alert, _created = alert_raise(account=account, client_id="press-test", test=True)
    with pytest.raises(ValidationError) as excinfo:
        alert_dispatch(alert=test_alert, by=alert_monitor, again=True)
    assert excinfo.value.code == "test"
    assert not Message.objects.filter(kind=MessageKind.DISPATCH).exists()


def test_an_ended_alert_is_not_handed_over(alert, alert_monitor):
    alert_close(alert=alert, by=alert_monitor, outcome="false_alarm")
    with pytest.raises(ValidationError):
        alert_dispatch(alert=alert, by=alert_monitor)
    assert not AlertDispatch.objects.exists()


def test_nothing_is_sent_without_a_configured_channel(settings, alert, alert_monitor):
    settings.MIA = {**settings.MIA, "DISPATCH_CHANNEL": ""}
    with pytest.raises(ValidationError) as excinfo:
        alert_dispatch(alert=alert, by=alert_monitor)
    assert excinfo.value.code == "not_configured"
    assert not Message.objects.filter(kind=MessageKind.DISPATCH).exists()


def test_by_sms_to_the_dispatch_desk_one_gsm7_segment_with_location_and_link(settings, alert_monitor):
    settings.SITE_URL = "https://violeta.institutomujeres.chihuahua.gob.mx"
    settings.MIA = {**settings.MIA, "DISPATCH_CHANNEL": "sms", "DISPATCH_TARGET": "+526144290000"}
    account = mia_account(display_name="María Guadalupe de los Ángeles")
    alert, _created = alert_raise(account=account, client_id="press-sms")
    alert_locate(alert=alert, lat=-28.6361234, lon=-106.0771234, accuracy=1250)
    dispatch = alert_dispatch(alert=alert, by=alert_monitor)
    message = dispatch_message()
    assert (message.channel, message.to_phone) == ("sms", "+526144290000")
    assert is_single_gsm7_segment(message.body), message.body
    assert "Maria" in message.body and "-28.636123,-106.077123 +-1250m" in message.body
    link = re.search(r"https://\S+/d/(\S+)/", message.body)
    assert link and token_hash(link.group(1)) == dispatch.token_hash  # the whole link, never cut


def test_by_email_a_text_with_the_same_facts(settings, alert, alert_monitor):
    settings.MIA = {**settings.MIA, "DISPATCH_CHANNEL": "email", "DISPATCH_TARGET": "despacho@c4.example"}
    alert_dispatch(alert=alert, by=alert_monitor)
    message = dispatch_message()
    assert (message.channel, message.to_phone) == ("email", "despacho@c4.example")
    assert "Lupita" in message.body and "https://violeta.example/d/" in message.body


# --- The automatic rule -----------------------------------------------------------------------------------------


def woman_at(lawyer, *, high_risk: bool, order: str | None, linked: bool = True):
    """An active alert of a woman whose account is (or not) linked to her case, with its risk and order."""
    case = CaseFactory(opened_by=lawyer)
    instrument = epv_r()
    yes = [item["code"] for item in instrument.items if item["weight"] == 3] if high_risk else ["1"]
    assessment = assess(case, lawyer, instrument, yes=yes)
    assert assessment.is_alarm == high_risk
    if order == "in_force":
        granted_order(case, lawyer)
    elif order == "expired":
        granted_order(case, lawyer, granted_days_ago=90, lasts=60)
    elif order == "requested":
        granted_order(case, lawyer).__class__.objects.filter(case=case).update(
            status=ProtectionOrder.Status.REQUESTED
        )
    account = mia_account(
        person=case.holder if linked else None, linked_at=timezone.now() if linked else None
    )
    alert, _created = alert_raise(account=account, client_id="press-auto")
    return alert


def test_automatic_for_a_linked_high_risk_case_with_an_order_in_force_once(lawyer):
    alert = woman_at(lawyer, high_risk=True, order="in_force")
    assert dispatch_auto_sweep() == 1
    assert dispatch_auto_sweep() == 0
    dispatch = AlertDispatch.objects.get(alert=alert)
    assert dispatch.automatic and dispatch.by is None
    assert AlertEvent.objects.get(alert=alert, kind="dispatch").message == dispatch.message
    assert AuditEvent.objects.filter(
        object_type="alerts.alertdispatch", detail__endswith="automático"
    ).exists()


@pytest.mark.parametrize(
    ("high_risk", "order", "linked"),
    [
        (True, None, True),  # high risk without an order
        (False, "in_force", True),  # an order without high risk
        (True, "expired", True),  # the order expired
        (True, "requested", True),  # asked for, not granted
        (True, "in_force", False),  # her app account is not linked to her record
    ],
    ids=["high-risk-no-order", "order-not-high-risk", "order-expired", "order-requested", "unlinked"],
)
def test_no_automatic_hand_off_for_anyone_else(lawyer, high_risk, order, linked):
    woman_at(lawyer, high_risk=high_risk, order=order, linked=linked)
    assert dispatch_auto_sweep() == 0
    assert not AlertDispatch.objects.exists()


def test_no_automatic_hand_off_when_the_institute_has_not_turned_it_on(settings, lawyer):
    settings.MIA = {**settings.MIA, "DISPATCH_AUTO": False}
    woman_at(lawyer, high_risk=True, order="in_force")
    assert dispatch_auto_sweep() == 0
    assert not AlertDispatch.objects.exists()


def test_no_automatic_hand_off_of_her_test_alert_nor_after_the_monitor_handed_it_over(lawyer, alert_monitor):
    alert = woman_at(lawyer, high_risk=True, order="in_force")
    alert_raise(account=alert.account, client_id="press-test", test=True)
    alert_dispatch(alert=alert, by=alert_monitor)
    assert dispatch_auto_sweep() == 0
    assert AlertDispatch.objects.count() == 1


def test_the_rule_runs_in_the_sender_every_second_as_a_safety_net():
    job = next(job for job in periodic.jobs() if job.func is dispatch_auto_sweep)
    assert job.every_seconds == 1 and job.safety_net


def test_an_order_extended_past_its_expiry_is_in_force(lawyer):
    alert = woman_at(lawyer, high_risk=True, order="expired")
    ProtectionOrder.objects.update(extended_until=timezone.localdate() + timedelta(days=5))
    assert dispatch_auto_sweep() == 1
    assert AlertDispatch.objects.get().alert == alert


def test_the_hand_offs_text_goes_with_her_locations_when_the_retention_period_is_over(alert, alert_monitor):
    alert_locate(alert=alert, lat=28.6361234, lon=-106.0771234, accuracy=12)
    alert_dispatch(alert=alert, by=alert_monitor)
    Message.objects.filter(kind=MessageKind.DISPATCH).update(status="delivered")
    alert_close(alert=alert, by=alert_monitor, outcome="police_attended")

    locations_purge(now=timezone.now() + timedelta(days=1))
    assert "28.636" in dispatch_message().body  # within the period: kept
    locations_purge(now=timezone.now() + timedelta(days=365))
    message = dispatch_message()
    assert message.body == "" and message.status == "delivered"
    assert AlertEvent.objects.get(alert=alert, kind="dispatch").message == message
