"""Reads of legal matters. ``access_matter`` is the one way in: it checks, 404s and audits.

A matter is read by the legal area only: a lawyer who can see its case (on the team, or with emergency access),
the legal coordination (which sees the cases its area attends) and the director's office. Other staff on the
same team (reception, psychology, social work) get a 404, as for a case they cannot see.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases.models import Case
from violeta.cases.selectors import access_case, visible_cases
from violeta.legal.models import (
    CLOSED_STAGES,
    LEGAL_AREA_CODE,
    Hearing,
    HearingStatus,
    LegalMatter,
    MatterStageChange,
)


def is_legal_staff(user) -> bool:
    """Lawyers and the legal coordination (not the director: she reads, the area writes)."""
    if not (user.is_authenticated and user.is_active and user.area_id):
        return False
    return user.role in (Role.LEGAL, Role.COORDINATOR) and user.area.code == LEGAL_AREA_CODE


def can_read_matters(user) -> bool:
    """Whether the user's role and area may read legal matters at all (the case rule is applied on top)."""
    return bool(
        user.is_authenticated and user.is_active and (user.role == Role.DIRECTOR or is_legal_staff(user))
    )


def visible_matters(user) -> QuerySet[LegalMatter]:
    if not can_read_matters(user):
        return LegalMatter.objects.none()
    return LegalMatter.objects.filter(case__in=visible_cases(user))


def access_case_for_legal(user, folio: str, *, detail: str = "jurídico") -> Case:
    """The case, for a legal-area page about it: staff outside the area get a 404 and an audited refusal."""
    if not can_read_matters(user):
        existing = Case.objects.filter(folio=folio).values_list("pk", flat=True).first()
        audit_denied(actor=user, object_type="cases.case", object_id=folio, case_id=existing, detail=detail)
        raise Http404
    return access_case(user, folio, detail=detail)


def access_matter(user, pk: int, *, detail: str = "asunto jurídico") -> LegalMatter:
    """The matter if the user may read it; otherwise 404 and an audited, flagged refusal."""
    matter = visible_matters(user).filter(pk=pk).select_related("case", "case__holder", "responsible").first()
    if matter is None:
        case_id = LegalMatter.objects.filter(pk=pk).values_list("case_id", flat=True).first()
        audit_denied(
            actor=user, object_type="legal.legalmatter", object_id=pk, case_id=case_id, detail=detail
        )
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=matter, case_id=matter.case_id, detail=detail)
    return matter


def access_hearing(user, pk: int, *, detail: str = "audiencia") -> Hearing:
    matter_id = Hearing.objects.filter(pk=pk).values_list("matter_id", flat=True).first()
    if matter_id is None:
        audit_denied(actor=user, object_type="legal.hearing", object_id=pk, detail=detail)
        raise Http404
    matter = access_matter(user, matter_id, detail=detail)
    hearing = Hearing.objects.get(pk=pk)
    hearing.matter = matter
    return hearing


@dataclass
class MatterPage:
    matter: LegalMatter
    stages: list[MatterStageChange]
    hearings: list[Hearing]


def matter_page(matter: LegalMatter) -> MatterPage:
    """The matter page in a fixed number of queries. Hearings soonest first: those to come in date order, then
    the past ones, the latest first."""
    stages = list(matter.stage_changes.select_related("by").order_by("-at", "-id"))
    now = timezone.now()
    hearings = list(matter.hearings.filter(starts_at__gte=now).order_by("starts_at", "id")) + list(
        matter.hearings.filter(starts_at__lt=now).order_by("-starts_at", "-id")
    )
    return MatterPage(matter, stages, hearings)


def _upcoming_hearings():
    return Hearing.objects.filter(status=HearingStatus.SCHEDULED, starts_at__gte=timezone.now()).order_by(
        "starts_at", "id"
    )


def case_matters(user, case: Case) -> list[LegalMatter] | None:
    """The matters of a case for its page (``None`` if the user may not read legal matters), in two queries.

    The caller has already passed ``access_case`` for this case.
    """
    if not can_read_matters(user):
        return None
    return list(
        LegalMatter.objects.filter(case=case)
        .select_related("responsible")
        .prefetch_related(Prefetch("hearings", queryset=_upcoming_hearings(), to_attr="upcoming"))
        .order_by("-opened_at", "-id")
    )


@dataclass
class LawyerDesk:
    matters: list[LegalMatter]
    hearings: list[Hearing]


def lawyer_desk(user, *, scope: str = "mine", days: int = 30) -> LawyerDesk:
    """ "Mis asuntos, próximas audiencias": her open matters and the hearings and deadlines of the coming days.

    The coordination and the director may widen the scope to every matter they can see. Fixed query count.
    Audited here: one VIEW line per matter returned (the hearings shown are those matters').
    """
    matters = visible_matters(user).exclude(stage__in=CLOSED_STAGES)
    if scope == "mine" or user.role == Role.LEGAL:
        matters = matters.filter(responsible=user)
    matters = matters.select_related("case", "responsible").prefetch_related(
        Prefetch("hearings", queryset=_upcoming_hearings(), to_attr="upcoming")
    )
    hearings = (
        _upcoming_hearings()
        .filter(matter__in=matters.values("pk"), starts_at__lte=timezone.now() + timedelta(days=days))
        .select_related("matter", "matter__case", "matter__responsible")
    )
    desk = LawyerDesk(list(matters.order_by("-updated_at", "-id")), list(hearings))
    audit_many(
        actor=user,
        action=Action.VIEW,
        objects=desk.matters,
        detail="mis asuntos",
        case_of=lambda m: m.case_id,
    )
    return desk
