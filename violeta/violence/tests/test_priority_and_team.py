"""The priority flag can be lifted (and set by judgement) with a written reason; order reminders follow the team."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import CaseEvent, CaseTeamMember, EventKind
from violeta.cases.services import case_close, case_team_add, case_team_remove
from violeta.cases.tests.factories import CaseFactory, StaffFactory
from violeta.core import crypto
from violeta.notifications.models import Notification
from violeta.testing.db import raw_column
from violeta.violence.models import PriorityChange, SafetyPlan
from violeta.violence.services.orders import protection_order_update
from violeta.violence.services.risk import case_priority_lift, case_priority_mark
from violeta.violence.services.safety_plan import safety_plan_save
from violeta.violence.tests.factories import assess, epv_r, granted_order, made_up_instrument

pytestmark = pytest.mark.django_db

REASON = "Se mudó con su madre a otro estado y el agresor está detenido."


@pytest.fixture
def case(lawyer, psychologist):
    return CaseFactory(opened_by=lawyer, team=(psychologist,))


def _high(case, by):
    instrument = made_up_instrument()
    return assess(case, by, instrument, final_level="extreme", override_reason="Intento de estrangulamiento.")


# Priority


def test_coordinator_lifts_priority_with_a_reason_audited_and_on_the_timeline(
    case, psychologist, coordinator
):
    _high(case, psychologist)
    case.refresh_from_db()
    assert case.is_priority
    change = case_priority_lift(case=case, by=coordinator, reason=REASON)
    case.refresh_from_db()
    assert not case.is_priority and case.priority_since is None and case.priority_reason == ""
    assert change.action == PriorityChange.Action.LIFTED and change.reason == REASON
    # the reason is encrypted at rest and is not on the timeline line
    stored = raw_column("violence_prioritychange", "reason", change.pk)
    assert stored.startswith(f"{crypto.PREFIX}:") and "agresor" not in stored
    event = CaseEvent.objects.filter(case=case, kind=EventKind.PRIORITY).latest("id")
    assert event.actor == coordinator and REASON not in event.description
    assert AuditEvent.objects.filter(
        actor=coordinator, action=Action.UPDATE, object_id=str(case.pk), detail="prioridad retirada"
    ).exists()
    assert AuditEvent.objects.filter(
        actor=coordinator, action=Action.CREATE, object_id=str(change.pk)
    ).exists()
    # the assessment's mark is in the history too
    assert list(PriorityChange.objects.filter(case=case).values_list("action", "source")) == [
        ("lifted", "judgement"),
        ("marked", "assessment"),
    ]


@pytest.mark.parametrize("reason", ["", "   ", "ya no"])
def test_lifting_without_a_written_reason_is_refused_in_spanish(case, psychologist, coordinator, reason):
    _high(case, psychologist)
    with pytest.raises(ValidationError) as exc:
        case_priority_lift(case=case, by=coordinator, reason=reason)
    assert (
        "motivo" in " ".join(exc.value.messages).lower() or "reason" in " ".join(exc.value.messages).lower()
    )
    case.refresh_from_db()
    assert case.is_priority
    assert not PriorityChange.objects.filter(action="lifted").exists()


def test_director_may_lift_but_not_the_professionals_nor_a_foreign_coordinator(
    case, lawyer, psychologist, coordinator, director, area_social
):
    _high(case, psychologist)
    for who in (lawyer, psychologist):
        with pytest.raises(PermissionDenied):
            case_priority_lift(case=case, by=who, reason=REASON)
    # the social work coordination has no area on this case
    social_coordinator = StaffFactory(role="coordinator", area=area_social)
    with pytest.raises(PermissionDenied):
        case_priority_lift(case=case, by=social_coordinator, reason=REASON)
    case_priority_lift(case=case, by=director, reason=REASON)
    case.refresh_from_db()
    assert not case.is_priority


def test_a_lower_assessment_never_lifts_it_but_suggests_it(case, psychologist, coordinator):
    from violeta.violence.selectors import violence_section

    _high(case, psychologist)
    instrument = epv_r()
    assess(case, psychologist, instrument, yes=("1",))  # low
    case.refresh_from_db()
    assert case.is_priority
    section = violence_section(coordinator, case)
    assert section.latest.final_level == "low" and section.suggests_lifting
    # a new alarm level does not suggest it
    _high(case, psychologist)
    assert not violence_section(coordinator, case).suggests_lifting


def test_after_lifting_a_new_high_assessment_marks_it_again(case, psychologist, coordinator):
    _high(case, psychologist)
    case_priority_lift(case=case, by=coordinator, reason=REASON)
    _high(case, psychologist)
    case.refresh_from_db()
    assert case.is_priority
    assert PriorityChange.objects.filter(case=case, action="marked").count() == 2


def test_a_professional_marks_priority_by_judgement_and_the_coordinators_are_told(
    case, psychologist, coordinator, psychology_coordinator
):
    change = case_priority_mark(case=case, by=psychologist, reason="Refiere amenazas con arma ayer.")
    case.refresh_from_db()
    assert case.is_priority and change.source == PriorityChange.Source.JUDGEMENT and change.assessment is None
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PRIORITY).exists()
    told = set(Notification.objects.filter(kind="violence.priority").values_list("recipient", flat=True))
    assert told == {coordinator.pk, psychology_coordinator.pk}
    assert "amenazas" not in Notification.objects.filter(kind="violence.priority").first().message
    with pytest.raises(ValidationError):
        case_priority_mark(case=case, by=psychologist, reason="Otra vez, por si acaso.")


def test_marking_needs_a_reason_and_the_team(case, psychologist, outsider, receptionist):
    with pytest.raises(ValidationError) as exc:
        case_priority_mark(case=case, by=psychologist, reason="")
    assert "reason" in exc.value.message_dict
    for who in (outsider, receptionist):  # another lawyer not on the team; the front desk
        with pytest.raises(PermissionDenied):
            case_priority_mark(case=case, by=who, reason=REASON)
    case.refresh_from_db()
    assert not case.is_priority and not PriorityChange.objects.exists()


def test_priority_page_lifts_with_reason_and_shows_the_history(client, case, psychologist, coordinator):
    _high(case, psychologist)
    client.force_login(coordinator)
    detail = client.get(reverse("cases:detail", kwargs={"folio": case.folio}))
    page_url = reverse("violence:priority", kwargs={"folio": case.folio})
    assert page_url in detail.content.decode()
    # Staff screens speak "usted" (docs/voice.md): the page asked her "explica por qué".
    assert "explique por qué es seguro hacerlo" in client.get(page_url).content.decode()
    response = client.post(page_url, {"reason": "ya no"})
    assert response.status_code == 200
    assert "Escriba el motivo (al menos 10 caracteres)" in response.content.decode()
    case.refresh_from_db()
    assert case.is_priority
    response = client.post(page_url, {"reason": REASON})
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_priority
    detail = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Prioridad retirada" in detail  # the timeline line of the case page history


def test_psychologist_sees_no_lift_button_and_gets_404(client, case, psychologist):
    _high(case, psychologist)
    client.force_login(psychologist)
    page_url = reverse("violence:priority", kwargs={"folio": case.folio})
    assert page_url not in client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert client.post(page_url, {"reason": REASON}).status_code == 404


def test_lower_assessment_prompt_on_the_case_page(client, case, psychologist, coordinator):
    _high(case, psychologist)
    assess(case, psychologist, epv_r(), yes=("1",))
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert 'id="sugerencia-prioridad"' in page


# Protection-order reminders follow the team


def _pending(order, user):
    return Notification.objects.filter(
        key__startswith=f"violence.order:{order.pk}:", recipient=user, cancelled_at__isnull=True
    )


def test_a_lawyer_who_joins_gets_the_pending_reminders_and_one_who_leaves_stops(
    case, lawyer, psychologist, area_legal
):
    order = granted_order(case, lawyer, granted_days_ago=10, lasts=60)
    assert _pending(order, lawyer).count() == 2
    newcomer = StaffFactory(role="legal", area=area_legal)
    case_team_add(case=case, user=newcomer, by=lawyer)
    assert _pending(order, newcomer).count() == 2
    assert all(n.deliver_at > timezone.now() for n in _pending(order, newcomer))
    assert _pending(order, lawyer).count() == 2  # the others keep theirs, none duplicated
    assert Notification.objects.filter(recipient=lawyer, key__startswith="violence.order:").count() == 2
    case_team_remove(case=case, user=newcomer, by=lawyer)
    assert not _pending(order, newcomer).exists()
    assert _pending(order, lawyer).count() == 2
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TEAM_REMOVED).exists()
    assert AuditEvent.objects.filter(actor=lawyer, detail="salida del equipo").exists()


def test_a_lawyer_joining_days_before_expiry_is_told_at_once(case, lawyer, area_legal):
    order = granted_order(case, lawyer, granted_days_ago=57, lasts=60)  # expires in 3 days
    newcomer = StaffFactory(role="legal", area=area_legal)
    case_team_add(case=case, user=newcomer, by=lawyer)
    due = _pending(order, newcomer).filter(deliver_at__lte=timezone.now())
    assert due.count() == 1 and due.get().key.endswith(":7d")
    assert _pending(order, newcomer).filter(key__endswith=":1d", deliver_at__gt=timezone.now()).exists()


def test_when_the_last_lawyer_leaves_the_director_is_reminded(
    case, lawyer, psychologist, coordinator, director
):
    order = granted_order(case, lawyer, granted_days_ago=10, lasts=60)
    assert not _pending(order, coordinator).exists()
    case_team_remove(case=case, user=lawyer, by=psychologist)
    assert not _pending(order, lawyer).exists()
    # the legal area is no longer on the team, so its coordination may not see the case (issue 12: no notice
    # about a case to staff who cannot open it): the director, who sees every case, gets them
    assert not _pending(order, coordinator).exists()
    assert _pending(order, director).count() == 2


def test_when_the_last_lawyer_leaves_a_legal_coordination_that_sees_the_case_is_reminded(
    case, lawyer, psychologist, coordinator
):
    order = granted_order(case, lawyer, granted_days_ago=10, lasts=60)
    case_team_remove(case=case, user=lawyer, by=psychologist)
    # a member of the legal area without the lawyer role keeps the area on the team (the coordinator herself)
    case_team_add(case=case, user=coordinator, by=psychologist)
    assert _pending(order, coordinator).count() == 2


def test_revoked_or_expired_orders_are_not_revived_by_team_changes(case, lawyer, area_legal):
    order = granted_order(case, lawyer, granted_days_ago=10, lasts=60)
    protection_order_update(order=order, by=lawyer, status="revoked")
    newcomer = StaffFactory(role="legal", area=area_legal)
    case_team_add(case=case, user=newcomer, by=lawyer)
    assert not _pending(order, newcomer).exists()
    assert not _pending(order, lawyer).exists()


def test_closing_the_case_keeps_the_order_reminders(case, lawyer):
    order = granted_order(case, lawyer, granted_days_ago=10, lasts=60)
    case_close(case=case, by=lawyer, reason="declined")
    assert _pending(order, lawyer).count() == 2


def test_team_removal_rules(case, lawyer, psychologist, receptionist):
    with pytest.raises(PermissionDenied):
        case_team_remove(case=case, user=psychologist, by=receptionist)
    case_team_remove(case=case, user=psychologist, by=lawyer)
    assert not CaseTeamMember.objects.filter(case=case, user=psychologist).exists()
    with pytest.raises(ValidationError):
        case_team_remove(case=case, user=psychologist, by=lawyer)
    with pytest.raises(ValidationError) as exc:
        case_team_remove(case=case, user=lawyer, by=lawyer)  # the last one
    assert exc.value.code == "last_member"


def test_team_remove_view(client, case, lawyer, psychologist):
    client.force_login(lawyer)
    response = client.post(
        reverse("cases:team_remove", kwargs={"folio": case.folio, "user_id": psychologist.pk})
    )
    assert response.status_code == 302
    assert not CaseTeamMember.objects.filter(case=case, user=psychologist).exists()
    assert (
        client.post(
            reverse("cases:team_remove", kwargs={"folio": case.folio, "user_id": psychologist.pk})
        ).status_code
        == 404
    )


# Safety-plan review reminders


def _plan_reminders(plan):
    return Notification.objects.filter(key=f"violence.plan_review:{plan.pk}")


def test_plan_review_date_reminds_whoever_set_it_and_moves_with_it(case, lawyer, psychologist):
    today = timezone.localdate()
    plan = safety_plan_save(
        case=case, by=psychologist, code_word="girasol", review_on=today + timedelta(days=30)
    )
    reminder = _plan_reminders(plan).get()
    assert reminder.recipient == psychologist and reminder.cancelled_at is None
    assert timezone.localtime(reminder.deliver_at).date() == today + timedelta(days=30)
    assert case.folio in reminder.message and "girasol" not in reminder.message
    # someone else edits the plan without touching the date: the reminder stays as it was
    safety_plan_save(case=case, by=lawyer, safe_places="Casa de su hermana")
    assert list(_plan_reminders(plan).filter(cancelled_at__isnull=True)) == [reminder]
    # a new date moves it (to whoever set the new one); clearing it withdraws it
    safety_plan_save(case=case, by=lawyer, code_word="girasol", review_on=today + timedelta(days=10))
    pending = _plan_reminders(plan).filter(cancelled_at__isnull=True)
    assert [(n.recipient, timezone.localtime(n.deliver_at).date()) for n in pending] == [
        (lawyer, today + timedelta(days=10))
    ]
    safety_plan_save(case=case, by=lawyer, code_word="girasol", review_on=None)
    assert not _plan_reminders(plan).filter(cancelled_at__isnull=True).exists()


@pytest.mark.parametrize("days", [0, -3, 181])
def test_plan_review_date_must_be_ahead_and_within_six_months(case, psychologist, days):
    with pytest.raises(ValidationError) as exc:
        safety_plan_save(
            case=case,
            by=psychologist,
            code_word="girasol",
            review_on=timezone.localdate() + timedelta(days=days),
        )
    assert "review_on" in exc.value.message_dict
    assert not Notification.objects.exists()
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_plan_page_sets_the_review_date(client, case, psychologist):
    client.force_login(psychologist)
    day = timezone.localdate() + timedelta(days=14)
    response = client.post(
        reverse("violence:safety_plan", kwargs={"folio": case.folio}),
        {"code_word": "girasol", "review_on": day.isoformat()},
    )
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=psychologist, kind="violence.plan_review").exists()
