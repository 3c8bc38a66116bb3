from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import CaseEvent, EventKind
from violeta.cases.selectors import cases_for_user
from violeta.cases.tests.factories import CaseFactory
from violeta.core import crypto
from violeta.notifications.models import Notification
from violeta.testing.db import raw_column
from violeta.violence.models import ProtectionOrder, RiskAssessment, ViolenceIncident
from violeta.violence.services.incidents import aggressor_record, trafficking_screening_record
from violeta.violence.services.orders import protection_order_record, protection_order_update
from violeta.violence.services.risk import risk_assessment_record
from violeta.violence.services.safety_plan import safety_plan_save
from violeta.violence.tests.factories import assess, epv_r, granted_order, made_up_instrument, record_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer, psychologist):
    return CaseFactory(opened_by=lawyer, team=(psychologist,))


def test_incident_with_types_modality_and_encrypted_narrative(case, lawyer):
    aggressor = aggressor_record(
        case=case, by=lawyer, relationship="partner", weapons_access="yes", lives_with_her="yes"
    )
    incident = record_incident(
        case,
        lawyer,
        types=["physical", "psychological", "physical"],
        aggressors=[aggressor],
        injuries="minor",
    )
    incident.refresh_from_db()
    assert incident.types == ["physical", "psychological"]
    assert list(incident.aggressors.all()) == [aggressor]
    stored = raw_column("violence_violenceincident", "narrative", incident.pk)
    assert stored.startswith(f"{crypto.PREFIX}:") and "pared" not in stored
    assert CaseEvent.objects.filter(case=case, kind=EventKind.VIOLENCE).count() == 2
    assert AuditEvent.objects.filter(object_type="violence.violenceincident", action=Action.CREATE).exists()


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"types": []}, "types"),
        ({"types": ["cosmic"]}, "types"),
        ({"narrative": "  "}, "narrative"),
        ({"occurred_on": timezone.localdate() + timedelta(days=2)}, "occurred_on"),
        ({"reported_to_prosecutor": True, "reported_where": ""}, "reported_where"),
    ],
)
def test_bad_incident_is_refused_and_nothing_stored(case, lawyer, bad, field):
    with pytest.raises(ValidationError) as exc:
        record_incident(case, lawyer, **bad)
    assert field in exc.value.error_dict
    assert not ViolenceIncident.objects.exists()


def test_reception_cannot_record_violence(case, receptionist):
    with pytest.raises(PermissionDenied):
        record_incident(case, receptionist)


def test_override_without_reason_is_rejected_and_with_reason_is_kept(case, psychologist):
    instrument = made_up_instrument()
    with pytest.raises(ValidationError) as exc:
        assess(case, psychologist, instrument, yes=("a",), final_level="high")
    assert "override_reason" in exc.value.error_dict
    assert not RiskAssessment.objects.exists()
    assessment = assess(
        case,
        psychologist,
        instrument,
        yes=("a",),
        final_level="high",
        override_reason="Amenaza reciente con arma.",
    )
    assert assessment.computed_level == "low"
    assert assessment.final_level == "high"
    assert assessment.overridden
    assert assessment.override_reason == "Amenaza reciente con arma."
    # lowering needs a reason too
    with pytest.raises(ValidationError):
        assess(case, psychologist, instrument, yes=("c", "b"), final_level="moderate")


def test_unknown_answers_flag_the_assessment_and_too_many_need_a_judgement(case, psychologist):
    instrument = made_up_instrument()
    assessment = assess(case, psychologist, instrument, yes=("a",), unknown=("c",))
    assert assessment.incomplete and assessment.unknown_count == 1
    assert assessment.score == 1 and assessment.max_possible == 4
    assert assessment.answers["c"] == "unknown"
    with pytest.raises(ValidationError) as exc:
        assess(case, psychologist, instrument, unknown=("b", "c"))
    assert "final_level" in exc.value.error_dict
    judged = assess(
        case, psychologist, instrument, unknown=("b", "c"), final_level="moderate", override_reason="No sabe."
    )
    assert judged.computed_level == "" and judged.final_level == "moderate"


def test_answers_that_do_not_match_the_instrument_are_refused(case, psychologist):
    instrument = made_up_instrument()
    with pytest.raises(ValidationError):
        risk_assessment_record(case=case, by=psychologist, instrument=instrument, answers={"zz": "yes"})
    with pytest.raises(ValidationError):
        risk_assessment_record(case=case, by=psychologist, instrument=instrument, answers={"a": "maybe"})


def test_high_risk_marks_priority_and_notifies_the_area_coordinators(
    case, lawyer, coordinator, psychology_coordinator, director
):
    instrument = epv_r()
    low = assess(case, lawyer, instrument, yes=("1",))
    case.refresh_from_db()
    assert low.final_level == "low" and not case.is_priority
    assert not Notification.objects.exists()
    high_items = [item["code"] for item in instrument.items if item["weight"] == 3]
    high = assess(case, lawyer, instrument, yes=high_items)
    assert high.computed_level == "high" and high.is_alarm
    case.refresh_from_db()
    assert case.is_priority and case.priority_since and "Alto" in case.priority_reason
    # both areas of the team (legal, psychology) are told; nobody else
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        coordinator.email,
        psychology_coordinator.email,
    }
    assert case.folio in Notification.objects.first().message
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PRIORITY).count() == 1
    # priority first in the coordinator's list
    other = CaseFactory(opened_by=lawyer)
    assert cases_for_user(coordinator, scope="all").first() == case
    assert other in cases_for_user(coordinator, scope="all")


def test_override_upwards_also_triggers_priority(case, psychologist):
    instrument = made_up_instrument()
    assess(
        case, psychologist, instrument, final_level="extreme", override_reason="Intento de estrangulamiento."
    )
    case.refresh_from_db()
    assert case.is_priority


def test_safety_plan_is_encrypted_and_updated_in_place(case, psychologist):
    with pytest.raises(ValidationError):
        safety_plan_save(case=case, by=psychologist, safe_places="", code_word="")
    plan = safety_plan_save(case=case, by=psychologist, code_word="girasol", documents_ready=True)
    again = safety_plan_save(case=case, by=psychologist, safe_places="Casa de su hermana")
    assert again.pk == plan.pk
    again.refresh_from_db()
    assert again.code_word == "girasol" and again.safe_places == "Casa de su hermana"

    assert "girasol" not in raw_column("violence_safetyplan", "code_word", plan.pk)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"expires_days": 61}, "expires_on"),
        ({"expires_days": -1}, "expires_on"),
        ({"extended_days": 31}, "extended_until"),
        ({"extended_days": 0}, "extended_until"),
        ({"no_grant": True}, "granted_on"),
    ],
)
def test_order_dates_follow_the_law(case, lawyer, changes, field):
    today = timezone.localdate()
    granted = today - timedelta(days=10)
    expires = granted + timedelta(days=changes.get("expires_days", 60))
    extended = expires + timedelta(days=changes["extended_days"]) if "extended_days" in changes else None
    with pytest.raises(ValidationError) as exc:
        protection_order_record(
            case=case,
            by=lawyer,
            kind="judicial",
            authority="Juzgado Familiar",
            status="granted",
            requested_on=granted,
            granted_on=None if changes.get("no_grant") else granted,
            expires_on=expires,
            extended_until=extended,
        )
    assert field in exc.value.error_dict
    assert not ProtectionOrder.objects.exists()


def test_orders_are_for_the_legal_area(case, psychologist):
    with pytest.raises(PermissionDenied):
        granted_order(case, psychologist)


def _reminders(order):
    return Notification.objects.filter(key__startswith=f"violence.order:{order.pk}:")


def test_expiry_reminders_are_scheduled_for_the_lawyers_and_follow_the_expiry(case, lawyer, psychologist):
    order = granted_order(case, lawyer, granted_days_ago=10, lasts=60)
    reminders = _reminders(order)
    assert reminders.count() == 2
    assert set(reminders.values_list("recipient", flat=True)) == {lawyer.pk}
    expiry = order.effective_expiry
    week = reminders.get(key__endswith=":7d")
    assert timezone.localtime(week.deliver_at).date() == expiry - timedelta(days=7)
    assert week.deliver_at > timezone.now()
    assert case.folio in week.message and expiry.strftime("%d/%m/%Y") in week.message
    # extended: the same reminders move to the new expiry, none is added
    protection_order_update(order=order, by=lawyer, extended_until=order.expires_on + timedelta(days=30))
    assert _reminders(order).count() == 2
    moved = _reminders(order).get(key__endswith=":1d")
    assert timezone.localtime(moved.deliver_at).date() == order.extended_until - timedelta(days=1)
    assert moved.cancelled_at is None
    # revoked: the pending reminders are withdrawn
    protection_order_update(order=order, by=lawyer, status="revoked")
    assert not _reminders(order).filter(cancelled_at__isnull=True).exists()


def test_order_recorded_close_to_expiry_reminds_now_once(case, lawyer, django_capture_on_commit_callbacks):
    order = granted_order(case, lawyer, granted_days_ago=57, lasts=60)  # expires in 3 days
    due = _reminders(order).filter(deliver_at__lte=timezone.now())
    assert due.count() == 1 and due.get().key.endswith(":7d")
    assert not _reminders(order).filter(key__endswith=":1d", deliver_at__lte=timezone.now()).exists()


def test_requested_order_has_no_reminders_until_granted(case, lawyer):
    today = timezone.localdate()
    order = protection_order_record(
        case=case, by=lawyer, kind="administrative", authority="Ministerio Público", requested_on=today
    )
    assert not _reminders(order).exists()
    protection_order_update(
        order=order, by=lawyer, status="granted", granted_on=today, expires_on=today + timedelta(days=60)
    )
    assert _reminders(order).count() == 2


def test_trafficking_indicator_flags_for_referral_and_tells_coordinators(case, lawyer, coordinator):
    clean = trafficking_screening_record(case=case, by=lawyer, indicators=[])
    assert not clean.flagged and not Notification.objects.exists()
    flagged = trafficking_screening_record(case=case, by=lawyer, indicators=["documents_held"])
    assert flagged.flagged
    assert Notification.objects.filter(recipient=coordinator, kind="violence.trafficking").exists()
    with pytest.raises(ValidationError):
        trafficking_screening_record(case=case, by=lawyer, indicators=["nonsense"])


def test_an_incident_before_she_was_born_is_refused(case, lawyer):
    """Issue 16: dates are checked against sense; a typo in the year (1909 for 2009) is not stored."""
    holder = case.holder
    holder.birth_date = date(1990, 5, 10)
    holder.save(update_fields=["birth_date"])
    with pytest.raises(ValidationError) as exc:
        record_incident(case, lawyer, occurred_on=date(1989, 12, 31))
    assert "occurred_on" in exc.value.error_dict
    assert "anterior a su nacimiento" in exc.value.message_dict["occurred_on"][0]
    assert not ViolenceIncident.objects.exists()
    assert record_incident(case, lawyer, occurred_on=date(1990, 5, 10)).pk
