"""Reads of social work. The page hangs off the case: whoever may see the case sees the levels of need, the
applications and the orientation topics; the notes are for social-work staff on the team, its coordinator and
the director (``can_read_socialwork_notes``; ``socialwork_notes_shown`` audits that read). The lists audit what
they return (``open_applications_for_user``)."""

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404

from violeta.accounts.areas import area_id
from violeta.accounts.models import Area, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_record, audited_page
from violeta.cases.models import Case
from violeta.cases.permissions import is_on_team
from violeta.cases.selectors import access_case, can_read_area_notes, visible_cases
from violeta.socialwork.models import (
    SOCIAL_WORK_AREA,
    Application,
    ApplicationStatus,
    NeedItem,
    NeedsAssessment,
    Orientation,
)

OPEN_STATUSES = (ApplicationStatus.PENDING, ApplicationStatus.SUBMITTED)


def social_work_area() -> Area:
    return Area.objects.get(code=SOCIAL_WORK_AREA)


def is_social_work_staff(user) -> bool:
    """Social work's own staff or its coordinator (the area rule of cases.selectors.can_read_area_notes)."""
    return bool(user.area_id) and can_read_area_notes(user, area_id(SOCIAL_WORK_AREA))


def can_write_socialwork(user, case: Case) -> bool:
    """Social-work staff on the case team, and the social-work coordinator."""
    if not is_social_work_staff(user):
        return False
    return user.role == Role.COORDINATOR or is_on_team(user, case)


def can_read_socialwork_notes(user, case: Case) -> bool:
    return user.role == Role.DIRECTOR or can_write_socialwork(user, case)


def socialwork_notes_shown(user, case: Case) -> bool:
    """Whether the social-work page shows the area's notes to ``user``; when it does, that read is audited."""
    if not can_read_socialwork_notes(user, case):
        return False
    audit_record(actor=user, action=Action.VIEW, obj=case, case_id=case.pk, detail="notas de trabajo social")
    return True


def access_socialwork(user, folio: str, *, detail: str, write: bool = False) -> Case:
    """The case if the user may see it (and, with ``write``, keep its social work); otherwise 404, audited."""
    case = access_case(user, folio, detail=detail)
    if write and not can_write_socialwork(user, case):
        audit_denied(actor=user, object_type="socialwork.application", object_id=folio, case_id=case.pk)
        raise Http404
    return case


@dataclass
class SocialWorkPage:
    assessment: NeedsAssessment | None
    items: list[NeedItem]
    assessments_count: int
    applications: list[Application]
    orientations: list[Orientation]


def socialwork_page(case: Case, *, limit: int = 100) -> SocialWorkPage:
    """Everything the social-work page shows, in a fixed number of queries. Call after access_socialwork."""
    assessments = list(
        case.needs_assessments.select_related("assessed_by")
        .prefetch_related(Prefetch("items", queryset=NeedItem.objects.order_by("id")))
        .order_by("-assessed_on", "-id")[:1]
    )
    latest = assessments[0] if assessments else None
    return SocialWorkPage(
        latest,
        list(latest.items.all()) if latest else [],
        case.needs_assessments.count(),
        list(case.social_applications.select_related("created_by").order_by("-created_at", "-id")[:limit]),
        list(case.orientations.select_related("given_by").order_by("-given_on", "-id")[:limit]),
    )


@dataclass
class SocialWorkPanel:
    assessment: NeedsAssessment | None
    urgent: list[str]
    applications: dict[str, int]


def socialwork_panel(case: Case) -> SocialWorkPanel:
    """The case page's summary: the latest assessment's urgent needs and the applications by status."""
    latest = case.needs_assessments.order_by("-assessed_on", "-id").prefetch_related("items").first()
    urgent = [i.get_dimension_display() for i in latest.items.all() if i.level == "urgent"] if latest else []
    counts: dict[str, int] = {}
    for status in case.social_applications.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return SocialWorkPanel(latest, urgent, counts)


def open_applications_for_user(user, *, page=None, per_page: int = 50) -> Page:
    """One page of the applications still waiting (pending or submitted) on the social worker's team cases; the
    coordinator's: all she can see. Oldest submission first: those are the ones to chase. Audited: one VIEW line
    per case on the page."""
    return audited_page(
        actor=user,
        rows=_open_applications(user),
        page=page,
        per_page=per_page,
        detail="solicitudes en trámite",
        audited=lambda application: application.case,
        case_of=lambda c: c.pk,
    )


def _open_applications(user) -> QuerySet[Application]:
    if not is_social_work_staff(user):
        return Application.objects.none()
    cases = visible_cases(user)
    if user.role != Role.COORDINATOR:
        cases = cases.filter(team_members__user=user)
    return (
        Application.objects.filter(status__in=OPEN_STATUSES, case__in=cases.values("pk"))
        .select_related("case", "case__holder")
        .order_by(F("submitted_on").asc(nulls_last=True), "created_at")
    )
