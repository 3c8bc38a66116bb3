"""Reads of IMM en tu empresa visits and of campaigns. Like ``programs.selectors``: ``access_*`` answer 404 to
anyone else and write the audit log.

A visit shows how many consultations were given there, never who consulted: the link from a visit to a
consultation is read only through ``visit_consultations``, which keeps each one to who may see its case file.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Sum
from django.http import Http404

from violeta.accounts.models import AREA_ROLES
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases.selectors import visible_cases
from violeta.programs.models import (
    AgeGroup,
    Campaign,
    CampaignEvent,
    CompanyVisit,
    EventReach,
    Organization,
    Sex,
    VisitConsultation,
)
from violeta.programs.permissions import PROGRAM_ROLES, is_program_staff

PER_PAGE = 25
# Who reaches the visits: the program staff who arrange them, and the areas' staff who give consultations there.
VISIT_ROLES = PROGRAM_ROLES | AREA_ROLES


def is_visit_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in VISIT_ROLES)


def _refuse(user, object_type: str, pk) -> None:
    audit_denied(actor=user, object_type=object_type, object_id=pk)
    raise Http404


# --- Visits -------------------------------------------------------------------------------------------------------


def visits_page(user, *, page=None) -> Page:
    """The visits to companies, the latest first, with what each reached (counts only)."""
    if not is_visit_staff(user):
        _refuse(user, "programs.companyvisit", "")
    rows = CompanyVisit.objects.select_related("organization").order_by("-visited_on", "-id")
    return Paginator(rows, PER_PAGE).get_page(page)


def access_visit(user, pk: int, *, detail: str = "visita a empresa") -> CompanyVisit:
    visit = None
    if is_visit_staff(user):
        visit = CompanyVisit.objects.select_related("organization", "created_by").filter(pk=pk).first()
    if visit is None:
        _refuse(user, "programs.companyvisit", pk)
    audit_record(actor=user, action=Action.VIEW, obj=visit, detail=detail)
    return visit


def organization_visits(organization: Organization) -> list[CompanyVisit]:
    """The visits to an organisation, for its page: dates, what was offered and the counts; never who consulted."""
    return list(organization.visits.order_by("-visited_on", "-id"))


@dataclass(frozen=True)
class VisitConsultationRow:
    folio: str
    name: str
    area: str
    started_at: object


def visit_consultations(user, visit: CompanyVisit) -> list[VisitConsultationRow]:
    """The consultations given at ``visit`` in case files ``user`` may see (``cases.selectors.visible_cases``),
    each an audited read of its case. Whoever may see none (program staff) gets an empty list: the count is on
    the visit."""
    links = list(
        VisitConsultation.objects.filter(
            visit=visit, consultation__case__in=visible_cases(user).values("pk")
        ).select_related("consultation__case__holder", "consultation__area")
    )
    if links:
        audit_many(
            actor=user,
            action=Action.VIEW,
            objects=[link.consultation for link in links],
            detail=f"atención en visita {visit.pk}",
            case_of=lambda consultation: consultation.case_id,
        )
    return [
        VisitConsultationRow(
            folio=link.consultation.case.folio,
            name=link.consultation.case.holder.full_name,
            area=link.consultation.area.name,
            started_at=link.consultation.started_at,
        )
        for link in sorted(links, key=lambda link: link.consultation.started_at)
    ]


# --- Campaigns ----------------------------------------------------------------------------------------------------


def campaigns_page(user, *, page=None) -> Page:
    """Campaigns, the latest first, with how many events and people reached each."""
    if not is_program_staff(user):
        _refuse(user, "programs.campaign", "")
    rows = Campaign.objects.annotate(
        event_count=Count("events", distinct=True), people=Sum("events__reach__people")
    ).order_by("-starts_on", "-id")
    return Paginator(rows, PER_PAGE).get_page(page)


def access_campaign(user, pk: int, *, detail: str = "campaña") -> Campaign:
    campaign = Campaign.objects.filter(pk=pk).first() if is_program_staff(user) else None
    if campaign is None:
        _refuse(user, "programs.campaign", pk)
    audit_record(actor=user, action=Action.VIEW, obj=campaign, detail=detail)
    return campaign


@dataclass
class ReachTable:
    """People reached by sex (rows) and age group (columns), with the totals of each."""

    rows: list[tuple[str, list[int], int]]  # (sex label, counts by age group, total)
    columns: list[str]  # the age groups' labels
    column_totals: list[int]
    total: int


def reach_table(cells: dict[tuple[str, str], int]) -> ReachTable:
    rows = []
    for sex, sex_label in Sex.choices:
        counts = [cells.get((sex, age), 0) for age in AgeGroup.values]
        rows.append((str(sex_label), counts, sum(counts)))
    column_totals = [sum(cells.get((sex, age), 0) for sex in Sex.values) for age in AgeGroup.values]
    return ReachTable(
        rows=rows,
        columns=[str(label) for label in AgeGroup.labels],
        column_totals=column_totals,
        total=sum(column_totals),
    )


def campaign_summary(campaign: Campaign) -> dict:
    """A campaign's events, each with the people it reached, and the campaign's total table (sex by age group)."""
    events = list(
        CampaignEvent.objects.filter(campaign=campaign)
        .annotate(people=Sum("reach__people"))
        .order_by("held_on", "id")
    )
    cells = {
        (row["sex"], row["age_group"]): row["n"]
        for row in EventReach.objects.filter(event__campaign=campaign)
        .values("sex", "age_group")
        .annotate(n=Sum("people"))
    }
    return {"events": events, "reach": reach_table(cells)}
