"""Reads of violence data. Every way in goes through ``cases.selectors.access_case`` (404 and audit) or
``visible_cases``; within a case, only the professionals who attend her (not the front desk) see this part."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from violeta.accounts.models import AREA_ROLES, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_many, audit_record
from violeta.cases.models import Case
from violeta.cases.selectors import access_case, visible_cases
from violeta.violence.models import (
    Aggressor,
    PriorityChange,
    ProtectionOrder,
    RiskAssessment,
    RiskInstrument,
    SafetyPlan,
    TraffickingScreening,
    ViolenceIncident,
)

# Who may read violence records of the cases she can see: the areas and the director, not reception.
VIEW_ROLES = AREA_ROLES | {Role.DIRECTOR}
# Who sees the list of protection orders about to expire.
EXPIRING_ROLES = frozenset({Role.LEGAL, Role.COORDINATOR, Role.DIRECTOR})
EXPIRING_DEFAULT_DAYS = 10


def can_view_violence(user) -> bool:
    return bool(user.is_authenticated and user.role in VIEW_ROLES)


def access_violence_case(user, folio: str, *, detail: str) -> Case:
    """The case, if the user may see its violence records; 404 (audited) otherwise."""
    if not can_view_violence(user):
        raise Http404
    return access_case(user, folio, detail=f"violencia: {detail}")


def _get_or_404(queryset: QuerySet, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def incident_for(user, case: Case, pk: int) -> ViolenceIncident:
    incident = _get_or_404(
        ViolenceIncident.objects.select_related("neighborhood", "recorded_by").prefetch_related("aggressors"),
        case=case,
        pk=pk,
    )
    audit_record(actor=user, action=Action.VIEW, obj=incident, case_id=case.pk, detail="relato del hecho")
    return incident


def assessment_for(user, case: Case, pk: int) -> RiskAssessment:
    assessment = _get_or_404(
        RiskAssessment.objects.select_related("instrument", "assessed_by"), case=case, pk=pk
    )
    audit_record(actor=user, action=Action.VIEW, obj=assessment, case_id=case.pk)
    return assessment


def order_for(case: Case, pk: int) -> ProtectionOrder:
    return _get_or_404(ProtectionOrder.objects.all(), case=case, pk=pk)


def safety_plan_of(user, case: Case) -> SafetyPlan | None:
    plan = SafetyPlan.objects.select_related("updated_by").filter(case=case).first()
    if plan is not None:
        audit_record(actor=user, action=Action.VIEW, obj=plan, case_id=case.pk, detail="plan de seguridad")
    return plan


def priority_changes(user, case: Case) -> list[PriorityChange]:
    """The case's priority changes with their written reasons (the read is audited)."""
    changes = list(PriorityChange.objects.filter(case=case).select_related("changed_by", "assessment"))
    if changes:
        audit_record(actor=user, action=Action.VIEW, obj=case, case_id=case.pk, detail="motivos de prioridad")
    return changes


def latest_assessment(case: Case) -> RiskAssessment | None:
    return (
        RiskAssessment.objects.filter(case=case)
        .select_related("instrument")
        .defer("override_reason", "notes")
        .order_by("-assessed_at", "-id")
        .first()
    )


def high_risk_with_order_in_force(person_ids) -> set[int]:
    """Of these people, those holding a case whose current risk level (its latest assessment) is an alarm level
    (high, extreme) and which has a protection order in force today: MIA hands their alerts to 9-1-1 by itself
    when the institute turns that on. No one reads a case here: the answer is the people's ids only."""
    if not person_ids:
        return set()
    latest_alarm = Subquery(
        RiskAssessment.objects.filter(case=OuterRef("pk"))
        .order_by("-assessed_at", "-id")
        .values("is_alarm")[:1]
    )
    in_force = ProtectionOrder.objects.annotate(expiry=Coalesce(F("extended_until"), F("expires_on"))).filter(
        case=OuterRef("pk"), status=ProtectionOrder.Status.GRANTED, expiry__gte=timezone.localdate()
    )
    return set(
        Case.objects.filter(holder_id__in=person_ids)
        .annotate(alarm=latest_alarm, order=Exists(in_force))
        .filter(alarm=True, order=True)
        .values_list("holder_id", flat=True)
    )


def active_instruments() -> QuerySet[RiskInstrument]:
    return RiskInstrument.objects.filter(is_active=True).order_by("-is_default", "name")


@dataclass
class ViolenceSection:
    """What the case page shows of violence, risk and protection, in a fixed number of queries."""

    case: Case
    incidents: list[ViolenceIncident]
    aggressors: list[Aggressor]
    assessments: list[RiskAssessment]
    plan: dict | None
    orders: list[ProtectionOrder]
    screening: dict | None
    trend: list[dict] = field(default_factory=list)

    @property
    def latest(self) -> RiskAssessment | None:
        return self.assessments[0] if self.assessments else None

    @property
    def orders_in_force(self) -> list[ProtectionOrder]:
        return [order for order in self.orders if order.is_in_force]

    @property
    def needs_plan(self) -> bool:
        return bool(self.latest and self.latest.is_alarm and self.plan is None)

    @property
    def suggests_lifting(self) -> bool:
        """A priority case whose latest assessment, made since it became one, is below the alarm levels.

        Only a suggestion: the priority is lifted by a person, with a reason (services.case_priority_lift).
        """
        latest, since = self.latest, self.case.priority_since
        return bool(
            self.case.is_priority
            and latest is not None
            and not latest.is_alarm
            and (since is None or latest.assessed_at >= since)
        )

    @property
    def needs_order_prompt(self) -> bool:
        pending = [o for o in self.orders if o.status == ProtectionOrder.Status.REQUESTED]
        return bool(self.latest and self.latest.is_alarm and not self.orders_in_force and not pending)


def violence_section(user, case: Case) -> ViolenceSection | None:
    """The violence part of the case page (None for roles that do not see it); the read is audited once."""
    if not can_view_violence(user):
        return None
    incidents = list(
        case.violence_incidents.only(
            "id",
            "case_id",
            "occurred_on",
            "date_precision",
            "types",
            "modality",
            "injuries",
            "place_kind",
            "reported_to_prosecutor",
            "children_witnessed",
            "children_victims",
        )
    )
    aggressors = list(case.aggressors.defer("alias"))
    assessments = list(
        case.risk_assessments.select_related("instrument", "assessed_by")
        .defer("override_reason", "notes")
        .order_by("-assessed_at", "-id")
    )
    orders = list(case.protection_orders.defer("measures").order_by("-requested_on", "-id"))
    # The plan's and the latest screening's headlines in one query.
    plans = SafetyPlan.objects.filter(case=OuterRef("pk"))
    screenings = TraffickingScreening.objects.filter(case=OuterRef("pk")).order_by("-screened_at", "-id")
    heads = (
        Case.objects.filter(pk=case.pk)
        .annotate(
            plan_at=Subquery(plans.values("updated_at")[:1]),
            plan_by=Subquery(plans.values("updated_by__full_name")[:1]),
            screening_flagged=Subquery(screenings.values("flagged")[:1]),
            screening_at=Subquery(screenings.values("screened_at")[:1]),
        )
        .values("plan_at", "plan_by", "screening_flagged", "screening_at")
        .get()
    )
    plan = (
        {"updated_at": heads["plan_at"], "updated_by__full_name": heads["plan_by"]}
        if heads["plan_at"]
        else None
    )
    screening = (
        {"flagged": heads["screening_flagged"], "screened_at": heads["screening_at"]}
        if heads["screening_at"]
        else None
    )
    trend = []
    previous = None
    for assessment in reversed(assessments):
        same = previous is not None and previous.instrument_id == assessment.instrument_id
        trend.append(
            {
                "assessment": assessment,
                "change": (assessment.score - previous.score) if same else None,
            }
        )
        previous = assessment
    # The case read is already audited by access_case; narratives, plans and answers are audited when opened.
    return ViolenceSection(case, incidents, aggressors, assessments, plan, orders, screening, trend[::-1])


def expiring_orders(user, *, days: int = EXPIRING_DEFAULT_DAYS) -> list[ProtectionOrder]:
    """Granted orders of the cases the user can see that expire within ``days`` (today included)."""
    today = timezone.localdate()
    orders = list(
        ProtectionOrder.objects.annotate(expiry=Coalesce(F("extended_until"), F("expires_on")))
        .filter(
            Q(case__in=visible_cases(user)),
            status=ProtectionOrder.Status.GRANTED,
            expiry__gte=today,
            expiry__lte=today + timedelta(days=days),
        )
        .select_related("case", "case__holder")
        .defer("measures", "case__reason")
        .order_by("expiry", "id")
    )
    audit_many(
        actor=user,
        action=Action.VIEW,
        objects=orders,
        detail="órdenes por vencer",
        case_of=lambda o: o.case_id,
    )
    return orders
