"""Writes of what happened to her: aggressors, incidents, the trafficking checklist (one transaction each)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, EventKind
from violeta.cases.services import case_event_record
from violeta.core.validators import validate_not_future
from violeta.notifications.services import notify
from violeta.violence.models import (
    Aggressor,
    TraffickingIndicator,
    TraffickingScreening,
    ViolenceIncident,
    ViolenceType,
)
from violeta.violence.permissions import WRITE_ROLES
from violeta.violence.services.common import area_coordinators, case_url, require_writer

# Incidents and aggressors


@transaction.atomic
def aggressor_record(*, case: Case, by, relationship: str, alias: str = "", **fields) -> Aggressor:
    """Record a person who exercised violence against her, as she describes him or her."""
    require_writer(by, WRITE_ROLES, case)
    aggressor = Aggressor(case=case, relationship=relationship, alias=alias.strip(), recorded_by=by, **fields)
    aggressor.full_clean()
    aggressor.save()
    audit_record(actor=by, action=Action.CREATE, obj=aggressor, case_id=case.pk)
    case_event_record(
        case=case, by=by, kind=EventKind.VIOLENCE, description=_("Aggressor recorded"), area=by.area
    )
    return aggressor


@transaction.atomic
def incident_record(
    *,
    case: Case,
    by,
    occurred_on: date,
    place_kind: str,
    types: list[str],
    modality: str,
    narrative: str,
    date_precision: str = "exact",
    neighborhood=None,
    injuries: str = "none",
    reported_to_prosecutor: bool = False,
    reported_where: str = "",
    children_witnessed: bool = False,
    children_victims: bool = False,
    aggressors=(),
) -> ViolenceIncident:
    """Record an incident of violence with its LGAMVLV types and modality."""
    require_writer(by, WRITE_ROLES, case)
    errors = {}
    valid_types = set(ViolenceType.values)
    types = list(dict.fromkeys(types or []))
    if not types:
        errors["types"] = _("Choose at least one type of violence.")
    elif not set(types) <= valid_types:
        errors["types"] = _("Unknown type of violence.")
    try:
        validate_not_future(occurred_on)
    except ValidationError as exc:
        errors["occurred_on"] = exc.messages
    born = case.holder.birth_date
    if occurred_on and born and occurred_on < born and "occurred_on" not in errors:
        errors["occurred_on"] = _("The date is before she was born (%(born)s).") % {
            "born": formats.date_format(born, "SHORT_DATE_FORMAT")
        }
    if not (narrative or "").strip():
        errors["narrative"] = _("Write what happened, in her words.")
    if reported_to_prosecutor and not reported_where.strip():
        errors["reported_where"] = _("Say where it was reported.")
    aggressors = list(aggressors)
    if any(a.case_id != case.pk for a in aggressors):
        errors["aggressors"] = _("The aggressor does not belong to this case file.")
    if errors:
        raise ValidationError(errors)
    incident = ViolenceIncident(
        case=case,
        occurred_on=occurred_on,
        date_precision=date_precision,
        neighborhood=neighborhood,
        place_kind=place_kind,
        types=types,
        modality=modality,
        narrative=narrative.strip(),
        injuries=injuries,
        reported_to_prosecutor=reported_to_prosecutor,
        reported_where=reported_where.strip() if reported_to_prosecutor else "",
        children_witnessed=children_witnessed,
        children_victims=children_victims,
        recorded_by=by,
    )
    incident.full_clean()
    incident.save()
    if aggressors:
        incident.aggressors.set(aggressors)
    audit_record(actor=by, action=Action.CREATE, obj=incident, case_id=case.pk)
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.VIOLENCE,
        description=incident.get_modality_display(),
        area=by.area,
    )
    return incident


# Trafficking


@transaction.atomic
def trafficking_screening_record(
    *, case: Case, by, indicators: list[str], notes: str = ""
) -> TraffickingScreening:
    """Record the trafficking checklist. Any indicator flags the case for specialised referral."""
    require_writer(by, WRITE_ROLES, case)
    indicators = list(dict.fromkeys(indicators or []))
    if not set(indicators) <= set(TraffickingIndicator.values):
        raise ValidationError({"indicators": _("Unknown indicator.")})
    screening = TraffickingScreening.objects.create(
        case=case, indicators=indicators, flagged=bool(indicators), notes=notes.strip(), screened_by=by
    )
    audit_record(actor=by, action=Action.CREATE, obj=screening, case_id=case.pk)
    if screening.flagged:
        case_event_record(
            case=case,
            by=by,
            # A line of the violence section (only its readers see it), though it calls for a referral.
            kind=EventKind.VIOLENCE,
            description=_("Trafficking indicators: specialised referral needed"),
            area=by.area,
        )
        notify(
            recipients=area_coordinators(case),
            kind="violence.trafficking",
            message=_("Case file %(folio)s shows trafficking indicators: it needs a specialised referral.")
            % {"folio": case.folio},
            url=case_url(case),
            key=f"violence.trafficking:{screening.pk}",
            case=case,
        )
    else:
        case_event_record(
            case=case,
            by=by,
            kind=EventKind.VIOLENCE,
            description=_("Trafficking screening: no indicators"),
            area=by.area,
        )
    return screening
