"""Writes to legal matters. Keyword-only, one transaction each, the audit event and timeline line inside it.

Hearings and deadlines remind the responsible lawyer through the notices app: one reminder the day before and
one two hours before, each under a stable key, so rescheduling replaces them and cancelling withdraws them. A
hearing set (or moved) less than two hours ahead, too late for both, gets an immediate notice instead.

A hearing is set by the court, not by the institute: one that falls on the lawyer's booked appointments is stored
all the same, and she is told which appointments to move (the agenda, for its part, refuses new appointments over
a hearing: see legal.agenda and agenda.services).
"""

from datetime import time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import CaseTeamMember, EventKind
from violeta.cases.services import case_event_record, case_team_add
from violeta.legal.models import (
    CLOSED_STAGES,
    DEFAULT_HEARING_MINUTES,
    MAX_HEARING_MINUTES,
    Hearing,
    HearingKind,
    HearingStatus,
    LegalMatter,
    MatterStage,
    MatterStageChange,
)
from violeta.legal.selectors import is_legal_staff
from violeta.notifications.services import notifications_cancel, notify

# (key suffix, how long before the hearing). A reminder whose time has passed is not sent.
REMINDERS = (("day-before", timedelta(days=1)), ("2h", timedelta(hours=2)))
REMINDER_KIND = "legal.hearing"
SOON_SUFFIX = "soon"


def _require_legal(user) -> None:
    if not is_legal_staff(user):
        raise PermissionDenied


def _check_responsible(user) -> None:
    if user is None or not is_legal_staff(user):
        raise ValidationError(
            {"responsible": _("The responsible person must be a lawyer of the legal area.")}
        )


def hearing_reminder_key(hearing: Hearing, suffix: str) -> str:
    return f"legal.hearing:{hearing.pk}:{suffix}"


def _reminder_message(hearing: Hearing) -> str:
    # Stored text, read later in the inbox: written in the institute's language, with the folio and no names.
    with translation.override(settings.LANGUAGE_CODE):
        when = formats.date_format(timezone.localtime(hearing.starts_at), "SHORT_DATETIME_FORMAT")
        return _("Reminder: %(kind)s of case file %(folio)s on %(when)s.") % {
            "kind": hearing.get_kind_display().lower(),
            "folio": hearing.matter.case.folio,
            "when": when,
        }


def _soon_message(hearing: Hearing) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        when = formats.date_format(timezone.localtime(hearing.starts_at), "SHORT_DATETIME_FORMAT")
        return _("Soon: %(kind)s of case file %(folio)s on %(when)s, in less than two hours.") % {
            "kind": hearing.get_kind_display().lower(),
            "folio": hearing.matter.case.folio,
            "when": when,
        }


def _clash_message(hearing: Hearing, appointments) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The %(kind)s of case file %(folio)s on %(when)s falls on %(count)s of your appointments; "
            "reschedule them."
        ) % {
            "kind": hearing.get_kind_display().lower(),
            "folio": hearing.matter.case.folio,
            "when": formats.date_format(timezone.localtime(hearing.starts_at), "SHORT_DATETIME_FORMAT"),
            "count": len(appointments),
        }


def _cancel_reminders(hearing: Hearing) -> None:
    for suffix, _before in REMINDERS:
        notifications_cancel(key=hearing_reminder_key(hearing, suffix))


def _warn_clashes(hearing: Hearing) -> list:
    """Tell the responsible lawyer which of her appointments the hearing falls on (they stay booked)."""
    from violeta.accounts.models import User
    from violeta.legal.agenda import appointments_over

    # The lock a booking for her takes first (agenda.services._check_free): a booking racing this hearing either
    # sees it and is refused, or commits first and is listed here.
    User.objects.select_for_update().filter(pk=hearing.matter.responsible_id).first()
    appointments = appointments_over(hearing)
    if appointments:
        notify(
            recipients=[hearing.matter.responsible],
            kind=REMINDER_KIND,
            message=_clash_message(hearing, appointments),
            url=reverse("agenda:day")
            + f"?day={timezone.localtime(hearing.starts_at):%Y-%m-%d}&staff={hearing.matter.responsible_id}",
            key=hearing_reminder_key(hearing, f"clash-{hearing.starts_at:%Y%m%d%H%M}"),
            case=hearing.matter.case_id,
        )
    return appointments


def _court_hours() -> tuple[time, time]:
    opens, closes = getattr(settings, "LEGAL_COURT_HOURS", ("08:00", "18:00"))
    return time.fromisoformat(opens), time.fromisoformat(closes)


def hearing_warnings(hearing: Hearing) -> list[str]:
    """What to tell whoever schedules it, without refusing it (a court sets the date): another hearing of the
    responsible lawyer at the same time, and a date outside court hours (a weekend, or before opening or after
    closing, ``LEGAL_COURT_HOURS``). A deadline takes no time and is due any hour: it never warns."""
    if not hearing.occupies_time:
        return []
    warnings = []
    others = (
        Hearing.objects.filter(
            matter__responsible_id=hearing.matter.responsible_id,
            status=HearingStatus.SCHEDULED,
            starts_at__lt=hearing.ends_at,
            starts_at__gt=hearing.starts_at - timedelta(minutes=MAX_HEARING_MINUTES),
        )
        .exclude(pk=hearing.pk)
        .exclude(kind=HearingKind.DEADLINE)
        .select_related("matter__case")
    )
    for other in others:
        if other.ends_at > hearing.starts_at:
            warnings.append(
                _(
                    "It overlaps with another commitment of the same lawyer: %(kind)s of case file %(folio)s, %(when)s."
                )
                % {
                    "kind": other.get_kind_display().lower(),
                    "folio": other.matter.case.folio,
                    "when": formats.date_format(timezone.localtime(other.starts_at), "SHORT_DATETIME_FORMAT"),
                }
            )
    opens, closes = _court_hours()
    starts, ends = timezone.localtime(hearing.starts_at), timezone.localtime(hearing.ends_at)
    if starts.weekday() >= 5 or starts.time() < opens or ends.time() > closes or ends.date() != starts.date():
        warnings.append(
            _(
                "It is outside court hours (Monday to Friday, %(opens)s to %(closes)s): check the date and time."
            )
            % {"opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
        )
    return warnings


def _schedule_reminders(hearing: Hearing) -> None:
    """(Re)schedule the reminders of a hearing for its responsible lawyer; withdraw any earlier ones first."""
    _cancel_reminders(hearing)
    if not hearing.is_scheduled:
        return
    now = timezone.now()
    url = reverse("legal:matter_detail", kwargs={"pk": hearing.matter_id})
    message = _reminder_message(hearing)
    last = min(before for _suffix, before in REMINDERS)
    if now < hearing.starts_at <= now + last:
        # Too late for any reminder (set this morning for noon, often by the coordinator): tell her now.
        notify(
            recipients=[hearing.matter.responsible],
            kind=REMINDER_KIND,
            message=_soon_message(hearing),
            url=url,
            # Per time: moved again within the two hours, she is told again.
            key=hearing_reminder_key(hearing, f"{SOON_SUFFIX}-{hearing.starts_at:%Y%m%d%H%M}"),
            case=hearing.matter.case_id,
        )
        return
    for suffix, before in REMINDERS:
        deliver_at = hearing.starts_at - before
        if deliver_at <= now:
            continue
        notify(
            recipients=[hearing.matter.responsible],
            kind=REMINDER_KIND,
            message=message,
            url=url,
            deliver_at=deliver_at,
            key=hearing_reminder_key(hearing, suffix),
            case=hearing.matter.case_id,
        )


def _ensure_on_team(matter: LegalMatter, *, user, by) -> None:
    if not CaseTeamMember.objects.filter(case=matter.case, user=user).exists():
        case_team_add(case=matter.case, user=user, by=by)


@transaction.atomic
def matter_open(
    *,
    case,
    by,
    kind: str,
    responsible=None,
    authority: str = "",
    court_file_number: str = "",
    counterpart: str = "",
    summary: str = "",
) -> LegalMatter:
    """Open a legal matter in a case; the responsible lawyer joins the case's team if she was not on it."""
    _require_legal(by)
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to open a legal matter."), code="closed")
    responsible = responsible or by
    _check_responsible(responsible)
    matter = LegalMatter(
        case=case,
        kind=kind,
        responsible=responsible,
        authority=authority.strip(),
        court_file_number=court_file_number.strip(),
        counterpart=counterpart.strip(),
        summary=summary.strip(),
        opened_by=by,
    )
    matter.full_clean()
    matter.save()
    MatterStageChange.objects.create(matter=matter, stage=matter.stage, by=by)
    audit_record(actor=by, action=Action.CREATE, obj=matter, case_id=case.pk)
    case_event_record(
        case=case, by=by, kind=EventKind.LEGAL, description=matter.get_kind_display(), area=by.area
    )
    _ensure_on_team(matter, user=responsible, by=by)
    return matter


@transaction.atomic
def matter_update(
    *,
    matter: LegalMatter,
    by,
    authority: str,
    court_file_number: str,
    counterpart: str,
    summary: str,
    responsible,
) -> LegalMatter:
    """Correct a matter's data; a new responsible lawyer takes over the pending hearing reminders."""
    _require_legal(by)
    _check_responsible(responsible)
    changed_responsible = responsible.pk != matter.responsible_id
    matter.authority = authority.strip()
    matter.court_file_number = court_file_number.strip()
    matter.counterpart = counterpart.strip()
    matter.summary = summary.strip()
    matter.responsible = responsible
    matter.full_clean()
    matter.save()
    audit_record(actor=by, action=Action.UPDATE, obj=matter, case_id=matter.case_id)
    if changed_responsible:
        _ensure_on_team(matter, user=responsible, by=by)
        for hearing in matter.hearings.filter(status=HearingStatus.SCHEDULED):
            hearing.matter = matter
            _schedule_reminders(hearing)
        case_event_record(
            case=matter.case,
            by=by,
            kind=EventKind.LEGAL,
            description=_("%(kind)s: now in charge of %(name)s")
            % {"kind": matter.get_kind_display(), "name": responsible},
            area=by.area,
        )
    return matter


@transaction.atomic
def matter_stage_set(*, matter: LegalMatter, by, stage: str, note: str = "", at=None) -> MatterStageChange:
    """Move the matter to a stage (forward, or back when a ruling is appealed), with a line of its history."""
    _require_legal(by)
    if stage not in MatterStage.values:
        raise ValidationError({"stage": _("Choose a valid stage.")})
    if stage == matter.stage:
        raise ValidationError({"stage": _("The matter is already at that stage.")})
    if stage in CLOSED_STAGES and matter.hearings.filter(status=HearingStatus.SCHEDULED).exists():
        raise ValidationError(
            {
                "stage": _(
                    "Record the outcome of its scheduled hearings, or cancel them, before closing the matter."
                )
            }
        )
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"at": _("A stage cannot be recorded with a future date.")})
    matter.stage = stage
    matter.save(update_fields=["stage", "updated_at"])
    change = MatterStageChange.objects.create(
        matter=matter, stage=stage, note=note.strip()[:255], at=at, by=by
    )
    audit_record(actor=by, action=Action.UPDATE, obj=matter, case_id=matter.case_id, detail="etapa")
    case_event_record(
        case=matter.case,
        by=by,
        kind=EventKind.LEGAL,
        description=f"{matter.get_kind_display()}: {matter.get_stage_display()}",
        area=by.area,
    )
    return change


def _check_when(starts_at, matter: LegalMatter) -> None:
    if starts_at is None:
        raise ValidationError({"starts_at": _("Give the date and time.")})
    if starts_at < timezone.now() - timedelta(days=1):
        raise ValidationError(
            {"starts_at": _("The date has already passed. Record past hearings with their outcome.")}
        )
    opened = matter.opened_at.replace(second=0, microsecond=0)  # forms give minutes
    if starts_at < opened:
        raise ValidationError(
            {
                "starts_at": _("The date is before the matter was opened (%(opened)s).")
                % {"opened": formats.date_format(timezone.localtime(opened), "SHORT_DATETIME_FORMAT")}
            }
        )


@transaction.atomic
def hearing_schedule(
    *,
    matter: LegalMatter,
    by,
    starts_at,
    kind: str = "hearing",
    place: str = "",
    notes: str = "",
    duration_minutes: int | None = None,
) -> Hearing:
    """Schedule a hearing or deadline of the matter and remind its responsible lawyer of it.

    ``hearing.clashing_appointments`` lists her booked appointments it falls on (she is notified of them).
    """
    _require_legal(by)
    _check_when(starts_at, matter)
    if not matter.is_open:
        raise ValidationError(
            _("The matter is concluded. Change its stage to schedule a hearing."), code="closed"
        )
    hearing = Hearing(
        matter=matter,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes or DEFAULT_HEARING_MINUTES,
        place=place.strip(),
        notes=notes.strip(),
        created_by=by,
    )
    hearing.full_clean()
    hearing.save()
    audit_record(actor=by, action=Action.CREATE, obj=hearing, case_id=matter.case_id)
    when = formats.date_format(timezone.localtime(starts_at), "SHORT_DATETIME_FORMAT")
    case_event_record(
        case=matter.case,
        by=by,
        kind=EventKind.HEARING,
        description=f"{hearing.get_kind_display()} · {when}",
        area=by.area,
    )
    _schedule_reminders(hearing)
    hearing.clashing_appointments = _warn_clashes(hearing)
    hearing.warnings = hearing_warnings(hearing)
    return hearing


def _require_scheduled(hearing: Hearing) -> None:
    if not hearing.is_scheduled:
        raise ValidationError(_("This hearing was already held or cancelled."), code="not_scheduled")


@transaction.atomic
def hearing_reschedule(
    *,
    hearing: Hearing,
    by,
    starts_at,
    place: str | None = None,
    reason: str = "",
    duration_minutes: int | None = None,
) -> Hearing:
    """Move a hearing to another date: its reminders move with it (and its clashes are told, as when set)."""
    _require_legal(by)
    _require_scheduled(hearing)
    _check_when(starts_at, hearing.matter)
    hearing.starts_at = starts_at
    if duration_minutes:
        hearing.duration_minutes = duration_minutes
    if place is not None:
        hearing.place = place.strip()
    if reason.strip():
        hearing.notes = (hearing.notes + "\n" if hearing.notes else "") + _("Rescheduled: %(reason)s") % {
            "reason": reason.strip()
        }
    hearing.full_clean()
    hearing.save()
    audit_record(
        actor=by, action=Action.UPDATE, obj=hearing, case_id=hearing.matter.case_id, detail="reprogramación"
    )
    when = formats.date_format(timezone.localtime(starts_at), "SHORT_DATETIME_FORMAT")
    case_event_record(
        case=hearing.matter.case,
        by=by,
        kind=EventKind.HEARING,
        description=_("%(kind)s rescheduled to %(when)s")
        % {"kind": hearing.get_kind_display(), "when": when},
        area=by.area,
    )
    _schedule_reminders(hearing)
    hearing.clashing_appointments = _warn_clashes(hearing)
    hearing.warnings = hearing_warnings(hearing)
    return hearing


@transaction.atomic
def hearing_cancel(*, hearing: Hearing, by, reason: str = "") -> Hearing:
    """Cancel a hearing (suspended, deferred without a date): its pending reminders are withdrawn."""
    _require_legal(by)
    _require_scheduled(hearing)
    hearing.status = HearingStatus.CANCELLED
    if reason.strip():
        hearing.outcome = reason.strip()
    hearing.save()
    audit_record(
        actor=by, action=Action.UPDATE, obj=hearing, case_id=hearing.matter.case_id, detail="cancelación"
    )
    case_event_record(
        case=hearing.matter.case,
        by=by,
        kind=EventKind.HEARING,
        description=_("%(kind)s cancelled") % {"kind": hearing.get_kind_display()},
        area=by.area,
    )
    _cancel_reminders(hearing)
    return hearing


@transaction.atomic
def hearing_record_outcome(*, hearing: Hearing, by, outcome: str) -> Hearing:
    """Record what happened at a hearing (or that the deadline was met)."""
    _require_legal(by)
    _require_scheduled(hearing)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Write what happened.")})
    if hearing.starts_at > timezone.now():
        raise ValidationError({"outcome": _("The hearing has not taken place yet.")})
    hearing.status = HearingStatus.HELD
    hearing.outcome = outcome.strip()
    hearing.save()
    audit_record(
        actor=by, action=Action.UPDATE, obj=hearing, case_id=hearing.matter.case_id, detail="resultado"
    )
    case_event_record(
        case=hearing.matter.case,
        by=by,
        kind=EventKind.HEARING,
        description=_("%(kind)s held") % {"kind": hearing.get_kind_display()},
        area=by.area,
    )
    _cancel_reminders(hearing)
    return hearing
