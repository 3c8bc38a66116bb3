"""Reads of psychological care. ``access_psychology`` is the one way in: case access plus the area rule.

Who reads plans, progress notes and scales: psychology-area staff on the case team, the psychology coordinator
(who sees the case because psychology is on its team), and the director (who sees everything, every read
logged). Everyone else on the case learns only that psychology attends her (``psychology_panel``).
"""

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Case as DbCase
from django.db.models import Count, F, Max, Q, QuerySet, When
from django.http import Http404

from violeta.accounts.areas import area_id
from violeta.accounts.models import Area, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_record, audited_page
from violeta.cases.models import Case, CaseStatus
from violeta.cases.permissions import is_on_team
from violeta.cases.selectors import access_case, can_read_area_notes, visible_cases
from violeta.psychology.models import (
    PSYCHOLOGY_AREA,
    GoalStatus,
    PlanStatus,
    Scale,
    ScaleResult,
    TherapySession,
    TreatmentPlan,
)


def psychology_area() -> Area:
    return Area.objects.get(code=PSYCHOLOGY_AREA)


def is_psychology_staff(user) -> bool:
    """Psychology's own staff or its coordinator (the area rule of cases.selectors.can_read_area_notes)."""
    return bool(user.area_id) and can_read_area_notes(user, area_id(PSYCHOLOGY_AREA))


def can_write_psychology(user, case: Case) -> bool:
    """Psychologists on the case team, and the psychology coordinator, keep the plan."""
    if not is_psychology_staff(user):
        return False
    return user.role == Role.COORDINATOR or is_on_team(user, case)


def can_read_psychology(user, case: Case) -> bool:
    return user.role == Role.DIRECTOR or can_write_psychology(user, case)


def access_psychology(user, folio: str, *, detail: str, write: bool = False) -> Case:
    """The case if the user may read (or, with ``write``, keep) its psychological care; else 404, audited."""
    case = access_case(user, folio, detail=detail)
    allowed = can_write_psychology(user, case) if write else can_read_psychology(user, case)
    if not allowed:
        audit_denied(actor=user, object_type="psychology.treatmentplan", object_id=folio, case_id=case.pk)
        raise Http404
    audit_record(
        actor=user,
        action=Action.VIEW,
        object_type="psychology.treatmentplan",
        object_id=folio,
        case_id=case.pk,
        detail="atención psicológica",
    )
    return case


@dataclass
class PsychologyPage:
    plan: TreatmentPlan | None
    goals: list
    past_plans: list[TreatmentPlan]
    sessions: list[TherapySession]
    sessions_count: int
    scale_results: list[ScaleResult]


def psychology_page(case: Case, *, sessions_limit: int = 50) -> PsychologyPage:
    """Everything the psychology page shows, in a fixed number of queries. Call after access_psychology."""
    plans = list(case.psychology_plans.select_related("psychologist").order_by("-started_on", "-id"))
    plan = next((p for p in plans if p.status == PlanStatus.ACTIVE), None)
    goals = list(plan.goals.all()) if plan else []
    sessions = list(
        TherapySession.objects.filter(case=case)
        .select_related("consultation", "author")
        .order_by("-consultation__started_at", "-id")[:sessions_limit]
    )
    count = (
        len(sessions) if len(sessions) < sessions_limit else TherapySession.objects.filter(case=case).count()
    )
    results = list(ScaleResult.objects.filter(case=case).select_related("scale", "applied_by"))
    return PsychologyPage(plan, goals, [p for p in plans if p is not plan], sessions, count, results)


def active_plan(case: Case) -> TreatmentPlan | None:
    return case.psychology_plans.filter(status=PlanStatus.ACTIVE).first()


def active_scales():
    return Scale.objects.filter(is_active=True).prefetch_related("bands")


@dataclass
class PsychologyPanel:
    """What the case page says about psychological care: to the team, only that psychology attends her."""

    plan: TreatmentPlan | None
    can_read: bool
    can_write: bool


def psychology_panel(user, case: Case) -> PsychologyPanel:
    plan = case.psychology_plans.select_related("psychologist").order_by("-started_on", "-id").first()
    can_write = can_write_psychology(user, case)
    return PsychologyPanel(plan, can_write or user.role == Role.DIRECTOR, can_write)


def plans_for_user(user, *, page=None, per_page: int = 50) -> Page:
    """ "Mis planes": one page of the plans in treatment on the psychologist's team cases (the coordinator: all
    she can see), audited: one VIEW line per woman on the page."""
    return audited_page(
        actor=user,
        rows=_plans_in_treatment(user),
        page=page,
        per_page=per_page,
        detail="planes de tratamiento",
        audited=lambda plan: plan.case,
        case_of=lambda c: c.pk,
    )


def _plans_in_treatment(user) -> QuerySet[TreatmentPlan]:
    if not is_psychology_staff(user):
        return TreatmentPlan.objects.none()
    cases = visible_cases(user)
    if user.role != Role.COORDINATOR:
        cases = cases.filter(team_members__user=user)
    return (
        TreatmentPlan.objects.filter(status=PlanStatus.ACTIVE, case__in=cases.values("pk"))
        .select_related("case", "case__holder", "psychologist")
        .annotate(
            n_sessions=Count("sessions", distinct=True),
            last_session=Max("sessions__consultation__started_at"),
            n_goals=Count("goals", distinct=True),
            n_achieved=Count("goals", filter=Q(goals__status=GoalStatus.ACHIEVED), distinct=True),
        )
        # Plans left in treatment by a case closure first: they wait for their discharge summary.
        .annotate(case_closed=DbCase(When(case__status=CaseStatus.CLOSED, then=1), default=0))
        .order_by("-case_closed", F("last_session").asc(nulls_first=True), "started_on")
    )
