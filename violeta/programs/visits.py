"""Writes of IMM en tu empresa visits and of campaigns (issue 17, items 4 and 7).

As in ``programs.services``: keyword arguments, one transaction each, ``full_clean()`` and the audit log in the
same transaction. A consultation given at a visit is written by the case files' own service
(``cases.services.consultation_record``), so it obeys the case's rules: only the staff of an area who may see the
case file records it; the visit keeps only its number.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, Consultation
from violeta.cases.models import Modality as ConsultationModality
from violeta.cases.selectors import can_view_case
from violeta.cases.services import consultation_record
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
from violeta.programs.permissions import require_program_staff

MAX_REACH_PER_CELL = 100_000


def _clean_text(value) -> str:
    return " ".join(str(value or "").split())


# --- Visits -------------------------------------------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *,
    by,
    organization: Organization,
    visited_on,
    offered_talk: bool = False,
    offered_legal: bool = False,
    offered_psychology: bool = False,
    women_reached: int = 0,
    notes: str = "",
) -> CompanyVisit:
    """Record a visit of IMM en tu empresa to a company: its date, what was offered, how many women it reached."""
    require_program_staff(by)
    if women_reached is not None and women_reached < 0:
        raise ValidationError({"women_reached": _("The number of women reached cannot be negative.")})
    visit = CompanyVisit(
        organization=organization,
        visited_on=visited_on,
        offered_talk=bool(offered_talk),
        offered_legal=bool(offered_legal),
        offered_psychology=bool(offered_psychology),
        women_reached=women_reached or 0,
        notes=notes.strip(),
        created_by=by,
    )
    visit.full_clean()
    visit.save()
    audit_record(actor=by, action=Action.CREATE, obj=visit, detail=f"visita a {organization.pk}")
    return visit


@transaction.atomic
def visit_consultation_record(
    *,
    visit: CompanyVisit,
    case: Case,
    by,
    started_at: datetime,
    duration_minutes: int,
    summary: str,
    next_steps: str = "",
    area_note: str = "",
) -> Consultation:
    """A consultation given at the visit, written in her case file (modality "at her workplace") by the case
    files' service; the visit counts it and keeps a link that only who may see the case file can follow.

    ``by`` must be the staff of an area (a lawyer, a psychologist...) who may see the case file: program staff
    alone do not write in case files. The consultation is of the day of the visit.
    """
    if not can_view_case(by, case):
        raise PermissionDenied
    if started_at is not None and timezone.localtime(started_at).date() != visit.visited_on:
        raise ValidationError({"started_at": _("The consultation must be on the day of the visit.")})
    consultation = consultation_record(
        case=case,
        by=by,
        modality=ConsultationModality.COMPANY,
        started_at=started_at,
        duration_minutes=duration_minutes,
        summary=summary,
        next_steps=next_steps,
        area_note=area_note,
    )
    link = VisitConsultation(visit=visit, consultation=consultation)
    link.full_clean()
    link.save()
    CompanyVisit.objects.filter(pk=visit.pk).update(consultation_count=F("consultation_count") + 1)
    visit.refresh_from_db(fields=["consultation_count"])
    # The visit's log line names the visit, not her: the case's own audit line above names the case.
    audit_record(
        actor=by, action=Action.CREATE, obj=link, case_id=case.pk, detail=f"atención en visita {visit.pk}"
    )
    return consultation


# --- Campaigns ----------------------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(*, by, name: str, starts_on, ends_on, description: str = "", **fields) -> Campaign:
    require_program_staff(by)
    campaign = Campaign(
        name=_clean_text(name),
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
        created_by=by,
        **fields,
    )
    campaign.full_clean()
    campaign.save()
    audit_record(actor=by, action=Action.CREATE, obj=campaign)
    return campaign


def reach_cells() -> list[tuple[str, str]]:
    """Every (sex, age group) cell of the reach table, in the table's order."""
    return [(sex, age) for sex in Sex.values for age in AgeGroup.values]


def _clean_reach(reach: dict) -> dict[tuple[str, str], int]:
    cells = set(reach_cells())
    cleaned = {}
    for key, value in (reach or {}).items():
        if key not in cells:
            raise ValidationError(_("Unknown sex or age group in the people reached."))
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("The people reached are whole numbers.")) from None
        if number < 0:
            raise ValidationError(_("The people reached cannot be negative."))
        if number > MAX_REACH_PER_CELL:
            raise ValidationError(
                _("%(n)s people in one cell is too many: check the number.") % {"n": number}
            )
        if number:
            cleaned[key] = number
    return cleaned


@transaction.atomic
def campaign_event_add(
    *,
    campaign: Campaign,
    by,
    title: str,
    kind: str,
    held_on,
    place: str,
    reach: dict | None = None,
    notes: str = "",
) -> CampaignEvent:
    """An event of a campaign with the people it reached: ``reach`` maps (sex, age group) to a count, no names."""
    require_program_staff(by)
    cells = _clean_reach(reach or {})
    event = CampaignEvent(
        campaign=campaign,
        title=_clean_text(title),
        kind=kind,
        held_on=held_on,
        place=_clean_text(place),
        notes=notes.strip(),
        created_by=by,
    )
    event.full_clean()
    event.save()
    rows = [
        EventReach(event=event, sex=sex, age_group=age, people=people) for (sex, age), people in cells.items()
    ]
    for row in rows:
        row.full_clean()
    EventReach.objects.bulk_create(rows)
    audit_record(
        actor=by,
        action=Action.CREATE,
        obj=event,
        detail=f"evento de campaña {campaign.pk}: {sum(cells.values())} personas",
    )
    return event
