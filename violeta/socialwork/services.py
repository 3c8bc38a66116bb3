"""Writes of social work. Keyword-only, one transaction each, audit record and timeline line inside it.

Timeline lines name the kind of thing done ("Solicitud aprobada: Beca"), never the notes.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, EventKind
from violeta.cases.services import case_event_record
from violeta.socialwork.models import (
    OUTCOME_STATUSES,
    Application,
    ApplicationStatus,
    NeedDimension,
    NeedItem,
    NeedLevel,
    NeedsAssessment,
    Orientation,
    OrientationTopic,
)
from violeta.socialwork.selectors import can_write_socialwork, social_work_area


def _require_writer(by, case: Case) -> None:
    if not can_write_socialwork(by, case):
        raise PermissionDenied


def _require_active(case: Case) -> None:
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to continue social work."), code="closed")


def _not_future(errors: dict, field: str, day, message: str) -> None:
    if day and day > timezone.localdate():
        errors[field] = message


def _event(case: Case, by, description: str) -> None:
    case_event_record(
        case=case, by=by, kind=EventKind.SOCIAL_WORK, description=description, area=social_work_area()
    )


@transaction.atomic
def assessment_record(*, case: Case, by, assessed_on, items: dict[str, tuple[str, str]]) -> NeedsAssessment:
    """A needs assessment: for every dimension (housing, income, health, school, documents) a level and notes."""
    _require_writer(by, case)
    _require_active(case)
    errors: dict = {}
    _not_future(errors, "assessed_on", assessed_on, _("The assessment cannot be dated in the future."))
    for dimension in NeedDimension.values:
        level = (items.get(dimension) or ("", ""))[0]
        if level not in NeedLevel.values:
            errors[f"{dimension}_level"] = _("Choose the level of need.")
    unknown = set(items) - set(NeedDimension.values)
    if unknown:
        errors["__all__"] = _("Unknown dimension.")
    if errors:
        raise ValidationError(errors)
    assessment = NeedsAssessment.objects.create(case=case, assessed_on=assessed_on, assessed_by=by)
    NeedItem.objects.bulk_create(
        [
            NeedItem(assessment=assessment, dimension=d, level=items[d][0], notes=(items[d][1] or "").strip())
            for d in NeedDimension.values
        ]
    )
    audit_record(
        actor=by, action=Action.CREATE, obj=assessment, case_id=case.pk, detail="valoración de necesidades"
    )
    _event(case, by, _("Needs assessment"))
    return assessment


def _check_dates(errors: dict, *, status: str, submitted_on, outcome_on=None) -> None:
    _not_future(errors, "submitted_on", submitted_on, _("The submission date cannot be in the future."))
    if status != ApplicationStatus.PENDING and not submitted_on:
        errors["submitted_on"] = _("Give the date it was submitted.")
    if outcome_on is not None:
        _not_future(errors, "outcome_on", outcome_on, _("The outcome date cannot be in the future."))
        if submitted_on and outcome_on < submitted_on:
            errors["outcome_on"] = _("The outcome cannot come before the application was submitted.")


@transaction.atomic
def application_create(
    *,
    case: Case,
    by,
    kind: str,
    program: str,
    institution: str,
    status: str = ApplicationStatus.PENDING,
    submitted_on=None,
    notes: str = "",
) -> Application:
    """An application made on her behalf. Its outcome is recorded later with ``application_outcome``."""
    _require_writer(by, case)
    _require_active(case)
    errors: dict = {}
    if status in OUTCOME_STATUSES:
        errors["status"] = _("Record the application first; its outcome is recorded when it arrives.")
    if not program.strip():
        errors["program"] = _("Write the program or scholarship.")
    if not institution.strip():
        errors["institution"] = _("Write the institution.")
    _check_dates(errors, status=status, submitted_on=submitted_on)
    if errors:
        raise ValidationError(errors)
    application = Application(
        case=case,
        kind=kind,
        program=program.strip(),
        institution=institution.strip(),
        status=status,
        submitted_on=submitted_on,
        notes=notes.strip(),
        created_by=by,
    )
    application.full_clean()
    application.save()
    audit_record(actor=by, action=Action.CREATE, obj=application, case_id=case.pk, detail="solicitud")
    _event(case, by, _("Application registered: %(kind)s") % {"kind": application.get_kind_display()})
    return application


@transaction.atomic
def application_outcome(
    *, application: Application, by, status: str, outcome_on=None, submitted_on=None, notes: str = ""
) -> Application:
    """Move an application on: submitted (with its date) or its outcome, approved or rejected (with its date)."""
    _require_writer(by, application.case)
    errors: dict = {}
    if not application.is_open:
        raise ValidationError(_("This application already has its outcome."), code="closed")
    if status not in (ApplicationStatus.SUBMITTED, *OUTCOME_STATUSES):
        errors["status"] = _("Choose submitted, approved or rejected.")
    submitted_on = submitted_on or application.submitted_on
    if status in OUTCOME_STATUSES and not outcome_on:
        errors["outcome_on"] = _("Give the date of the outcome.")
    _check_dates(errors, status=status, submitted_on=submitted_on, outcome_on=outcome_on)
    if errors:
        raise ValidationError(errors)
    application.status = status
    application.submitted_on = submitted_on
    application.outcome_on = outcome_on if status in OUTCOME_STATUSES else None
    if notes.strip():
        application.notes = "\n".join(filter(None, [application.notes, notes.strip()]))
    application.save(update_fields=["status", "submitted_on", "outcome_on", "notes", "updated_at"])
    audit_record(
        actor=by, action=Action.UPDATE, obj=application, case_id=application.case_id, detail="solicitud"
    )
    _event(
        application.case,
        by,
        f"{application.get_status_display()}: {application.get_kind_display()}",
    )
    return application


@transaction.atomic
def orientation_record(*, case: Case, by, topic: str, given_on, notes: str = "") -> Orientation:
    """Orientation given to her on a topic."""
    _require_writer(by, case)
    _require_active(case)
    errors: dict = {}
    if topic not in OrientationTopic.values:
        errors["topic"] = _("Choose the topic.")
    _not_future(errors, "given_on", given_on, _("The orientation cannot be dated in the future."))
    if errors:
        raise ValidationError(errors)
    orientation = Orientation.objects.create(
        case=case, topic=topic, given_on=given_on, notes=notes.strip(), given_by=by
    )
    audit_record(actor=by, action=Action.CREATE, obj=orientation, case_id=case.pk, detail="orientación")
    _event(case, by, _("Orientation: %(topic)s") % {"topic": orientation.get_topic_display()})
    return orientation
