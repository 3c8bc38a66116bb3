"""Writes to the agenda and the call log. Keyword-only, one transaction each, audit and timeline inside it."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from violeta.accounts.models import AREA_ROLES, User
from violeta.agenda import selectors, sources
from violeta.agenda.hours import is_office_time, office_hours_problem
from violeta.agenda.models import (
    ANONYMOUS_CALLER,
    BUSY_STATUSES,
    Appointment,
    AppointmentModality,
    AppointmentStatus,
    PhoneCall,
    PhoneLine,
)
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, EventKind
from violeta.cases.services import case_event_record, consultation_record
from violeta.messaging.models import MessageKind
from violeta.messaging.services import message_queue, messages_withdraw
from violeta.messaging.text import to_gsm7
from violeta.notifications.services import notifications_cancel, notify
from violeta.people.consents import consent_in_force
from violeta.people.models import ConsentPurpose, Person, SafeContactPreference

# A booking may start a little in the past (the form is filled while she waits at the desk).
PAST_GRACE = timedelta(minutes=15)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _notice_key(appointment: Appointment) -> str:
    return f"agenda-appointment-{appointment.pk}"


def _timeline(appointment: Appointment, *, by, what: str) -> None:
    if appointment.case_id:
        area = appointment.area.name if appointment.area else ""
        case_event_record(
            case=appointment.case,
            by=by,
            kind=EventKind.APPOINTMENT,
            description=f"{what}: {_local(appointment.starts_at)} · {area}".rstrip(" ·"),
            area=appointment.area,
        )


def _tell_staff(appointment: Appointment, *, by, message: str) -> None:
    """A notice in the staff member's inbox when someone else changes her agenda (no names: time and area)."""
    if appointment.staff_id != by.pk:
        notify(
            recipients=[appointment.staff],
            kind="agenda",
            message=message,
            url=reverse("agenda:appointment_detail", kwargs={"pk": appointment.pk}),
            key=_notice_key(appointment),
            case=appointment.case_id,
        )


def _check_free(*, staff: User, person: Person | None, starts_at, ends_at, exclude_pk=None) -> None:
    """No double booking of the staff member nor of the woman, and nothing over other busy time (a lawyer's
    hearing, registered in ``agenda.sources``).

    The staff member's row (and the woman's) is locked first, so two concurrent bookings for her queue on the
    lock (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE write transaction) and the second one sees the
    first when it checks.
    """
    User.objects.select_for_update().filter(pk=staff.pk).first()
    overlapping = Appointment.objects.filter(
        status__in=BUSY_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(pk=exclude_pk)
    clash = overlapping.filter(staff=staff).order_by("starts_at").first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": _("%(staff)s already has an appointment from %(start)s to %(end)s.")
                % {
                    "staff": staff,
                    "start": timezone.localtime(clash.starts_at).strftime("%H:%M"),
                    "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
                }
            },
            code="double_booking",
        )
    # Other busy time registered in agenda.sources (a lawyer's hearings): its message names no case.
    busy = sources.first_clash(staff, starts_at, ends_at)
    if busy is not None:
        raise ValidationError({"starts_at": busy.message}, code=busy.code)
    if person is not None:
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if overlapping.filter(person=person).exists():
            raise ValidationError(
                {"starts_at": _("She already has another appointment at that time.")}, code="double_booking"
            )


@transaction.atomic
def appointment_book(
    *,
    by,
    staff: User,
    starts_at: datetime,
    ends_at: datetime,
    modality: str,
    case: Case | None = None,
    person: Person | None = None,
    contact_name: str = "",
    video_link: str = "",
    notes: str = "",
    call: PhoneCall | None = None,
    area=None,
) -> Appointment:
    """Book a time with a staff member, within office hours, without overlapping her or the woman's agenda.

    With a case, the woman is its holder; before she is registered (a first call), her first name is enough.
    """
    if not selectors.can_book_for(by, staff):
        raise PermissionDenied
    if staff.role not in AREA_ROLES:
        raise ValidationError({"staff": _("Appointments are booked with the staff of an area.")})
    if case is not None:
        if person is not None and person.pk != case.holder_id:
            raise ValidationError(_("The person is not the holder of that case file."), code="person_case")
        if not case.is_active:
            raise ValidationError(
                _("The case file is closed. Reopen it to book an appointment."), code="closed"
            )
        person = case.holder
    contact_name = contact_name.strip()
    if call is not None and not contact_name and person is None:
        contact_name = "" if call.is_anonymous else call.caller_name
    if person is None and not contact_name and call is None:
        raise ValidationError(
            {"contact_name": _("Give her case file folio or at least the first name she gave.")}
        )
    if modality == AppointmentModality.VIDEO and not video_link.strip():
        raise ValidationError({"video_link": _("Give the link of the video call.")})
    problem = office_hours_problem(starts_at, ends_at)
    if problem:
        raise ValidationError({"starts_at": problem}, code="office_hours")
    if starts_at < timezone.now() - PAST_GRACE:
        raise ValidationError({"starts_at": _("An appointment cannot be booked in the past.")}, code="past")
    _check_free(staff=staff, person=person, starts_at=starts_at, ends_at=ends_at)
    appointment = Appointment(
        person=person,
        case=case,
        contact_name=contact_name if person is None else "",
        staff=staff,
        area=area or staff.area,
        modality=modality,
        video_link=video_link.strip() if modality == AppointmentModality.VIDEO else "",
        starts_at=starts_at,
        ends_at=ends_at,
        notes=notes,
        call=call,
        created_by=by,
    )
    appointment.full_clean()
    appointment.save()
    audit_record(actor=by, action=Action.CREATE, obj=appointment, case_id=appointment.case_id)
    _timeline(appointment, by=by, what=_("Appointment booked"))
    _tell_staff(
        appointment,
        by=by,
        message=_("New appointment on %(when)s.") % {"when": _local(appointment.starts_at)},
    )
    return appointment


def _require_open(appointment: Appointment) -> None:
    if appointment.status != AppointmentStatus.SCHEDULED:
        raise ValidationError(
            _("The appointment is already %(status)s.")
            % {"status": appointment.get_status_display().lower()},
            code="not_scheduled",
        )


def _require_manage(by, appointment: Appointment) -> None:
    """Whoever sees an appointment (her own, her area's, the front desk's) may move or close it."""
    if not selectors.visible_appointments(by).filter(pk=appointment.pk).exists():
        raise PermissionDenied


def _lock(appointment: Appointment) -> Appointment:
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment.status = locked.status
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    by,
    starts_at: datetime,
    ends_at: datetime,
    staff: User | None = None,
    modality: str = "",
    video_link: str | None = None,
) -> Appointment:
    """Move an appointment: the old one is marked rescheduled and points at the new one (same woman and case)."""
    _require_manage(by, appointment)
    _require_open(_lock(appointment))
    appointment.status = AppointmentStatus.RESCHEDULED
    appointment.save(update_fields=["status", "updated_at"])
    new = appointment_book(
        by=by,
        staff=staff or appointment.staff,
        starts_at=starts_at,
        ends_at=ends_at,
        modality=modality or appointment.modality,
        case=appointment.case,
        person=appointment.person,
        contact_name=appointment.contact_name,
        video_link=appointment.video_link if video_link is None else video_link,
        notes=appointment.notes,
        call=appointment.call,
        area=appointment.area if staff is None else None,
    )
    appointment.rescheduled_to = new
    appointment.save(update_fields=["rescheduled_to", "updated_at"])
    notifications_cancel(key=_notice_key(appointment))
    audit_record(
        actor=by, action=Action.UPDATE, obj=appointment, case_id=appointment.case_id, detail="reprogramada"
    )
    _timeline(appointment, by=by, what=_("Appointment rescheduled"))
    return new


def _set_status(appointment: Appointment, *, by, status: str, detail: str, what: str) -> Appointment:
    _require_manage(by, appointment)
    _require_open(_lock(appointment))
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=appointment, case_id=appointment.case_id, detail=detail)
    _timeline(appointment, by=by, what=what)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by) -> Appointment:
    """Cancel: the time is free again and no reminder will go out."""
    _set_status(
        appointment,
        by=by,
        status=AppointmentStatus.CANCELLED,
        detail="cancelada",
        what=_("Appointment cancelled"),
    )
    _tell_staff(
        appointment,
        by=by,
        message=_("Appointment on %(when)s cancelled.") % {"when": _local(appointment.starts_at)},
    )
    return appointment


def _require_started(appointment: Appointment) -> None:
    if appointment.starts_at > timezone.now() + PAST_GRACE:
        raise ValidationError(_("The appointment has not started yet."), code="not_started")


@transaction.atomic
def appointment_no_show(*, appointment: Appointment, by) -> Appointment:
    _require_started(appointment)
    return _set_status(
        appointment, by=by, status=AppointmentStatus.NO_SHOW, detail="no asistió", what=_("She did not come")
    )


@transaction.atomic
def appointment_attend(*, appointment: Appointment, by) -> Appointment:
    _require_started(appointment)
    return _set_status(
        appointment,
        by=by,
        status=AppointmentStatus.ATTENDED,
        detail="atendida",
        what=_("Appointment attended"),
    )


@transaction.atomic
def appointment_consultation_record(*, appointment: Appointment, by, **consultation):
    """Record the consultation of an appointment (cases.consultation_record) and mark it attended."""
    if appointment.case is None:
        raise ValidationError(
            _("Open her case file first: a consultation is recorded in a case file."), code="no_case"
        )
    if appointment.consultation_id:
        raise ValidationError(_("The consultation of this appointment is already recorded."), code="recorded")
    if appointment.status == AppointmentStatus.SCHEDULED:
        appointment_attend(appointment=appointment, by=by)
    elif appointment.status != AppointmentStatus.ATTENDED:
        _require_open(appointment)
    result = consultation_record(case=appointment.case, by=by, **consultation)
    appointment.consultation = result
    appointment.save(update_fields=["consultation", "updated_at"])
    return result


# --- SMS reminders --------------------------------------------------------------------------------------------


def reminder_text(appointment: Appointment) -> str:
    """The reminder as she receives it: time only. No institute, no reason, no names, no area.

    Anyone may read her phone: "Recordatorio: cita manana a las 10:00." says nothing about violence or the
    institute. There is no "reply NO to cancel": a reply would have to be answered, and the text would then
    say where it comes from. In GSM-7 (no accents), one segment.
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Reminder: appointment tomorrow at %(time)s.") % {
            "time": timezone.localtime(appointment.starts_at).strftime("%H:%M")
        }
    return to_gsm7(text)


def appointment_reminders_send(*, now: datetime | None = None) -> int:
    """The day-before SMS for tomorrow's scheduled appointments whose woman allows SMS. Safe to run twice.

    Each appointment is looked at once (``reminder_checked_at``), under its row lock: sent when her safe-contact
    preferences allow SMS to a safe number and her SMS consent is in force at this moment
    (``people.consents.consent_in_force``), deliberately not sent otherwise. Returns how many were queued.
    """
    now = now or timezone.now()
    start, end = selectors.local_day_bounds(timezone.localtime(now).date() + timedelta(days=1))
    pending = Appointment.objects.filter(
        status=AppointmentStatus.SCHEDULED,
        starts_at__gte=start,
        starts_at__lt=end,
        reminder_checked_at__isnull=True,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(pending):
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update()
                .filter(pk=pk, status=AppointmentStatus.SCHEDULED, reminder_checked_at__isnull=True)
                .first()
            )
            if appointment is None:
                continue
            preference = None
            if appointment.person_id:
                preference = (
                    SafeContactPreference.objects.select_related("person")
                    .filter(person_id=appointment.person_id)
                    .first()
                )
            # Her SMS consent is checked now, when the reminder goes: one she withdrew, or that lapsed, since the
            # appointment was booked stops it.
            if (
                preference is not None
                and preference.allows_sms()
                and consent_in_force(appointment.person_id, ConsentPurpose.SMS, on=timezone.localdate(now))
            ):
                appointment.reminder_sms = message_queue(
                    kind=MessageKind.REMINDER, to=preference.safe_phone, body=reminder_text(appointment)
                )
                audit_record(
                    actor=None,
                    actor_label="sistema",
                    action=Action.CREATE,
                    obj=appointment,
                    case_id=appointment.case_id,
                    detail="recordatorio de cita por SMS",
                )
                sent += 1
            appointment.reminder_checked_at = now
            appointment.save(update_fields=["reminder_sms", "reminder_checked_at"])
    return sent


def reminders_withdraw_for_consent(*, consent, by, **kwargs) -> int:
    """Her SMS consent was withdrawn (``people.signals.consent_withdrawn``, in the withdrawal's transaction): the
    reminders already queued for her and not yet claimed by the sender are taken back, so none goes out after
    she said no. A reminder the sender already handed to the provider cannot be recalled. Returns how many."""
    if consent.purpose != ConsentPurpose.SMS or consent_in_force(consent.person_id, ConsentPurpose.SMS):
        return 0
    queued = dict(
        Appointment.objects.filter(person_id=consent.person_id, reminder_sms__isnull=False).values_list(
            "reminder_sms_id", "pk"
        )
    )
    withdrawn = messages_withdraw(list(queued))
    if withdrawn:
        appointments = Appointment.objects.filter(pk__in=[queued[m] for m in withdrawn])
        for appointment in appointments:
            audit_record(
                actor=by,
                action=Action.UPDATE,
                obj=appointment,
                case_id=appointment.case_id,
                detail="recordatorio por SMS retirado con su consentimiento",
            )
    return len(withdrawn)


# --- Phone calls ----------------------------------------------------------------------------------------------


@transaction.atomic
def phone_call_log(
    *,
    by,
    line: PhoneLine,
    reason: str,
    action: str,
    violence: bool = False,
    caller_name: str = "",
    at: datetime | None = None,
    notes: str = "",
) -> PhoneCall:
    """Log a call on one of the lines. Only her first name, or "anónima"; counted as out of hours if so."""
    if by.role not in selectors.CALL_ROLES:
        raise PermissionDenied
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"at": _("A call cannot be logged with a future time.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Write the reason for the call.")})
    call = PhoneCall(
        line=line,
        at=at,
        caller_name=caller_name.strip()[:60] or ANONYMOUS_CALLER,
        reason=reason.strip(),
        violence=violence,
        action=action,
        notes=notes,
        out_of_hours=not is_office_time(at),
        taken_by=by,
    )
    call.full_clean()
    call.save()
    audit_record(actor=by, action=Action.CREATE, obj=call)
    return call


@transaction.atomic
def phone_call_link_case(*, call: PhoneCall, case: Case, by) -> PhoneCall:
    """The call became this case file (the intake opened from it): link both and note it on the timeline.

    The call's row is locked and read again, so that two intakes opened from one call cannot both take it.
    """
    linked_to = PhoneCall.objects.select_for_update().values_list("case_id", flat=True).get(pk=call.pk)
    if linked_to and linked_to != case.pk:
        raise ValidationError(_("That call is already linked to another case file."), code="call_linked")
    call.case = case
    call.save(update_fields=["case"])
    audit_record(actor=by, action=Action.UPDATE, obj=call, case_id=case.pk, detail="llamada vinculada")
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.CALL,
        description=_("line %(line)s") % {"line": call.line.name},
    )
    return call
