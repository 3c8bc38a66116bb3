"""Booking rules (office hours, holidays, no double booking), status changes, SMS reminders and the call log."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from violeta.agenda import services
from violeta.agenda.models import Appointment, AppointmentStatus, Holiday, OfficeHours, PhoneCall
from violeta.agenda.tests.factories import at, book, log_call, next_workday
from violeta.audit.models import AuditEvent
from violeta.cases.models import CaseEvent, EventKind
from violeta.cases.tests.factories import CaseFactory
from violeta.messaging.backends import locmem
from violeta.messaging.models import Message, MessageKind
from violeta.messaging.sender import deliver_due
from violeta.messaging.text import is_single_gsm7_segment
from violeta.notifications.models import Notification
from violeta.people.models import ConsentPurpose, SafeContactPreference, WithdrawalMeans
from violeta.people.services import consent_record, consent_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer, receptionist):
    return CaseFactory(opened_by=lawyer, team=(receptionist,))


def allow_sms(person, allowed=True, phone_choice="main"):
    """Her safe-contact rule for SMS, and (when allowed) her SMS consent, as the intake records both."""
    SafeContactPreference.objects.update_or_create(
        person=person, defaults={"may_sms": allowed, "phone_choice": phone_choice}
    )
    if allowed:
        by = person.created_by or get_user_model().objects.filter(is_active=True).first()
        consent_record(person=person, by=by, purpose=ConsentPurpose.SMS)


# --- Office hours and holidays -----------------------------------------------------------------------------


def test_default_office_hours_are_monday_to_friday_nine_to_three():
    rows = list(OfficeHours.objects.values_list("weekday", "opens", "closes"))
    assert [r[0] for r in rows] == [0, 1, 2, 3, 4]
    assert {(r[1].hour, r[2].hour) for r in rows} == {(9, 15)}


@pytest.mark.parametrize(
    ("hour", "minutes", "message"),
    [(8, 60, "de 09:00 a 15:00"), (14, 90, "de 09:00 a 15:00"), (15, 30, "de 09:00 a 15:00")],
)
def test_booking_outside_office_hours_is_refused_in_spanish(receptionist, lawyer, hour, minutes, message):
    with pytest.raises(ValidationError) as exc:
        book(by=receptionist, staff=lawyer, hour=hour, minutes=minutes)
    assert message in exc.value.message_dict["starts_at"][0]
    assert Appointment.objects.count() == 0


def test_booking_on_a_weekend_is_refused(receptionist, lawyer):
    day = next_workday(days=7)
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    with pytest.raises(ValidationError) as exc:
        book(by=receptionist, staff=lawyer, day=saturday)
    assert "no atiende" in exc.value.message_dict["starts_at"][0]


def test_booking_on_a_holiday_is_refused_with_its_name(receptionist, lawyer):
    day = next_workday(days=7)
    Holiday.objects.create(date=day, name="Día de la institución")
    with pytest.raises(ValidationError) as exc:
        book(by=receptionist, staff=lawyer, day=day)
    assert "Día de la institución" in exc.value.message_dict["starts_at"][0]
    assert Appointment.objects.count() == 0


def test_statutory_holidays_are_seeded():
    assert Holiday.objects.filter(date=date(2026, 12, 25)).exists()
    assert Holiday.objects.filter(date=date(2026, 9, 16)).exists()


def test_booking_within_hours_and_the_last_slot_is_accepted(receptionist, lawyer):
    appointment = book(by=receptionist, staff=lawyer, hour=14, minutes=60)
    assert timezone.localtime(appointment.ends_at).hour == 15
    assert appointment.area == lawyer.area


def test_booking_in_the_past_is_refused(receptionist, lawyer):
    day = timezone.localdate() - timedelta(days=7)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    with pytest.raises(ValidationError):
        book(by=receptionist, staff=lawyer, day=day)


# --- No double booking -------------------------------------------------------------------------------------


def test_same_staff_overlapping_is_refused(receptionist, lawyer):
    first = book(by=receptionist, staff=lawyer, hour=10, minutes=60)
    with pytest.raises(ValidationError) as exc:
        book(
            by=receptionist, staff=lawyer, day=timezone.localtime(first.starts_at).date(), hour=10, minutes=30
        )
    assert "ya tiene una cita de 10:00 a 11:00" in exc.value.message_dict["starts_at"][0]
    assert Appointment.objects.count() == 1


def test_partial_overlap_is_refused_but_back_to_back_is_fine(receptionist, lawyer):
    first = book(by=receptionist, staff=lawyer, hour=10, minutes=60)
    day = timezone.localtime(first.starts_at).date()
    start = at(day, 9, 30)
    with pytest.raises(ValidationError):
        services.appointment_book(
            by=receptionist,
            staff=lawyer,
            starts_at=start,
            ends_at=start + timedelta(minutes=60),
            modality="phone",
            contact_name="Rosa",
        )
    assert book(by=receptionist, staff=lawyer, day=day, hour=11)  # 11:00 right after 10:00–11:00
    assert book(by=receptionist, staff=lawyer, day=day, hour=9)  # 9:00–10:00 right before


def test_other_staff_at_the_same_time_is_fine(receptionist, lawyer, outsider):
    first = book(by=receptionist, staff=lawyer)
    second = book(by=receptionist, staff=outsider, day=timezone.localtime(first.starts_at).date())
    assert second.starts_at == first.starts_at


def test_the_woman_cannot_be_booked_twice_at_once(receptionist, lawyer, psychologist, case):
    first = book(by=receptionist, staff=lawyer, case=case)
    with pytest.raises(ValidationError) as exc:
        book(by=receptionist, staff=psychologist, case=case, day=timezone.localtime(first.starts_at).date())
    assert "Ella ya tiene otra cita" in exc.value.message_dict["starts_at"][0]


def test_cancelled_time_can_be_booked_again(receptionist, lawyer):
    first = book(by=receptionist, staff=lawyer)
    services.appointment_cancel(appointment=first, by=receptionist)
    again = book(by=receptionist, staff=lawyer, day=timezone.localtime(first.starts_at).date())
    assert again.status == AppointmentStatus.SCHEDULED


def test_area_staff_book_only_for_themselves(lawyer, outsider):
    assert book(by=lawyer, staff=lawyer).staff == lawyer
    with pytest.raises(PermissionDenied):
        book(by=lawyer, staff=outsider)


def test_coordinator_books_only_in_her_area(coordinator, lawyer, psychologist):
    assert book(by=coordinator, staff=lawyer)
    with pytest.raises(PermissionDenied):
        book(by=coordinator, staff=psychologist)


def test_video_call_needs_a_link(receptionist, lawyer):
    with pytest.raises(ValidationError) as exc:
        book(by=receptionist, staff=lawyer, modality="video")
    assert "video_link" in exc.value.message_dict
    appointment = book(
        by=receptionist, staff=lawyer, modality="video", video_link="https://meet.example.org/abc"
    )
    assert appointment.video_link == "https://meet.example.org/abc"


def test_booking_on_a_case_writes_timeline_audit_and_tells_the_staff(receptionist, lawyer, case):
    appointment = book(by=receptionist, staff=lawyer, case=case)
    assert appointment.person == case.holder
    event = CaseEvent.objects.filter(case=case, kind=EventKind.APPOINTMENT).get()
    assert "Cita agendada" in event.description
    assert AuditEvent.objects.filter(object_type="agenda.appointment", object_id=str(appointment.pk)).exists()
    notice = Notification.objects.get(recipient=lawyer)
    assert case.holder.first_surname not in notice.message


def test_closed_case_cannot_get_appointments(receptionist, lawyer, case):
    from violeta.cases.services import case_close

    case_close(case=case, by=lawyer, reason="concluded")
    with pytest.raises(ValidationError):
        book(by=receptionist, staff=lawyer, case=case)


# --- Reschedule, cancel, no-show, attended -------------------------------------------------------------------


def test_reschedule_links_the_new_appointment_and_frees_the_old_time(receptionist, lawyer, case):
    old = book(by=receptionist, staff=lawyer, case=case, hour=10)
    day = timezone.localtime(old.starts_at).date()
    new = services.appointment_reschedule(
        appointment=old, by=receptionist, starts_at=at(day, 12), ends_at=at(day, 13)
    )
    old.refresh_from_db()
    assert old.status == AppointmentStatus.RESCHEDULED
    assert old.rescheduled_to == new
    assert new.case == case and new.staff == lawyer and new.status == AppointmentStatus.SCHEDULED
    assert book(by=receptionist, staff=lawyer, day=day, hour=10)  # the old time is free
    assert CaseEvent.objects.filter(case=case, description__startswith="Cita reprogramada").exists()


def test_reschedule_into_a_busy_slot_changes_nothing(receptionist, lawyer):
    old = book(by=receptionist, staff=lawyer, hour=10)
    day = timezone.localtime(old.starts_at).date()
    book(by=receptionist, staff=lawyer, day=day, hour=12)
    with pytest.raises(ValidationError):
        services.appointment_reschedule(
            appointment=old, by=receptionist, starts_at=at(day, 12), ends_at=at(day, 13)
        )
    old.refresh_from_db()
    assert old.status == AppointmentStatus.SCHEDULED and old.rescheduled_to is None
    assert Appointment.objects.count() == 2


def test_cancelled_appointment_cannot_be_rescheduled_or_cancelled_again(receptionist, lawyer):
    appointment = book(by=receptionist, staff=lawyer)
    services.appointment_cancel(appointment=appointment, by=receptionist)
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=appointment, by=receptionist)
    with pytest.raises(ValidationError):
        day = timezone.localtime(appointment.starts_at).date()
        services.appointment_reschedule(
            appointment=appointment, by=receptionist, starts_at=at(day, 12), ends_at=at(day, 13)
        )


def _make_past(appointment, hours=1):
    shift = appointment.starts_at - (timezone.now() - timedelta(hours=hours))
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=appointment.starts_at - shift, ends_at=appointment.ends_at - shift
    )
    appointment.refresh_from_db()
    return appointment


def test_no_show_and_attended_only_once_it_started(receptionist, lawyer):
    future = book(by=receptionist, staff=lawyer)
    with pytest.raises(ValidationError):
        services.appointment_no_show(appointment=future, by=receptionist)
    with pytest.raises(ValidationError):
        services.appointment_attend(appointment=future, by=lawyer)
    past = _make_past(future)
    services.appointment_no_show(appointment=past, by=receptionist)
    assert Appointment.objects.get(pk=past.pk).status == AppointmentStatus.NO_SHOW


def test_attended_appointment_records_its_consultation(receptionist, lawyer, case):
    appointment = _make_past(book(by=receptionist, staff=lawyer, case=case, modality="phone"))
    consultation = services.appointment_consultation_record(
        appointment=appointment,
        by=lawyer,
        modality=appointment.modality,
        started_at=appointment.starts_at,
        duration_minutes=appointment.duration_minutes,
        summary="Asesoría sobre pensión alimenticia",
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert appointment.consultation == consultation
    assert consultation.case == case and consultation.modality == "phone"
    with pytest.raises(ValidationError):
        services.appointment_consultation_record(
            appointment=appointment,
            by=lawyer,
            modality="phone",
            started_at=appointment.starts_at,
            duration_minutes=30,
            summary="Otra",
        )


# --- SMS reminders -------------------------------------------------------------------------------------------


@pytest.fixture
def sms_memory(settings):
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


def _tomorrow_booking(receptionist, staff, case, hour=10):
    """A booking for tomorrow (made today, as the reminder job sees it), whatever weekday today is."""
    appointment = book(by=receptionist, staff=staff, case=case, hour=hour)
    tomorrow = timezone.localdate() + timedelta(days=1)
    shift = timezone.localtime(appointment.starts_at).date() - tomorrow
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=appointment.starts_at - shift, ends_at=appointment.ends_at - shift
    )
    appointment.refresh_from_db()
    return appointment


def test_reminder_goes_only_where_she_allows_sms_with_neutral_text(
    receptionist, lawyer, psychologist, case, sms_memory
):
    other = CaseFactory(opened_by=psychologist)
    allow_sms(case.holder, True)
    allow_sms(other.holder, False)
    yes = _tomorrow_booking(receptionist, lawyer, case)
    no = _tomorrow_booking(receptionist, psychologist, other)

    assert services.appointment_reminders_send() == 1

    message = Message.objects.get()
    assert message.kind == MessageKind.REMINDER
    assert message.to_phone == case.holder.phone
    assert message.body == "Recordatorio: cita manana a las 10:00."
    assert is_single_gsm7_segment(message.body)
    for secret in (case.holder.given_names, case.holder.first_surname, "IMM", "Instituto", "Mujer", "juri"):
        # At the start of a word: a holder called "Ana" must not fail on "manana".
        assert not re.search(rf"\b{re.escape(secret.lower())}", message.body.lower()), secret
    yes.refresh_from_db()
    no.refresh_from_db()
    assert yes.reminder_sms == message and no.reminder_sms is None
    assert no.reminder_checked_at is not None
    # through the outbox's sender to the gateway
    deliver_due()
    assert [m["body"] for m in sms_memory] == ["Recordatorio: cita manana a las 10:00."]


def test_reminder_not_sent_when_her_sms_consent_was_withdrawn_after_booking(receptionist, lawyer, case):
    allow_sms(case.holder, True)
    appointment = _tomorrow_booking(receptionist, lawyer, case)
    consent = case.holder.consents.get(purpose=ConsentPurpose.SMS)
    consent_withdraw(consent=consent, by=receptionist, means=WithdrawalMeans.PHONE)

    assert services.appointment_reminders_send() == 0
    assert Message.objects.count() == 0
    appointment.refresh_from_db()
    assert appointment.reminder_sms is None and appointment.reminder_checked_at is not None


def test_a_queued_reminder_is_withdrawn_with_her_sms_consent(receptionist, lawyer, case, sms_memory):
    """The reminder was queued (the provider is slow, the sender down); she withdraws her SMS consent before it
    goes: it never goes. One already handed to the provider cannot be recalled and is left as it is."""
    from violeta.messaging.models import MessageStatus

    allow_sms(case.holder, True)
    appointment = _tomorrow_booking(receptionist, lawyer, case)
    assert services.appointment_reminders_send() == 1
    queued = Message.objects.get()
    other = CaseFactory(opened_by=lawyer)
    allow_sms(other.holder, True)
    _tomorrow_booking(receptionist, lawyer, other, hour=12)
    assert services.appointment_reminders_send() == 1
    theirs = Message.objects.exclude(pk=queued.pk).get()

    consent = case.holder.consents.get(purpose=ConsentPurpose.SMS)
    consent_withdraw(consent=consent, by=receptionist, means=WithdrawalMeans.PHONE)

    queued.refresh_from_db()
    assert queued.status == MessageStatus.WITHDRAWN
    deliver_due()
    assert [m["to"] for m in sms_memory] == [theirs.to_phone]  # only the other woman's reminder went out
    appointment.refresh_from_db()
    assert appointment.reminder_sms == queued
    assert (
        AuditEvent.objects.filter(detail="recordatorio por SMS retirado con su consentimiento").count() == 1
    )


def test_reminder_not_sent_when_her_sms_consent_lapsed(receptionist, lawyer, case):
    SafeContactPreference.objects.filter(person=case.holder).update(may_sms=True, phone_choice="main")
    today = timezone.localdate()
    consent_record(
        person=case.holder,
        by=receptionist,
        purpose=ConsentPurpose.SMS,
        given_on=today - timedelta(days=400),
        expires_on=today,
    )
    _tomorrow_booking(receptionist, lawyer, case)
    assert services.appointment_reminders_send() == 0
    assert Message.objects.count() == 0


def test_no_reminder_without_preferences_or_safe_phone(receptionist, lawyer, psychologist, case):
    SafeContactPreference.objects.filter(person=case.holder).delete()
    _tomorrow_booking(receptionist, lawyer, case)
    other = CaseFactory(opened_by=psychologist)
    allow_sms(other.holder, True, phone_choice="none")  # SMS yes, but no phone is safe
    _tomorrow_booking(receptionist, psychologist, other, hour=12)
    assert services.appointment_reminders_send() == 0
    assert Message.objects.count() == 0


def test_no_reminder_for_cancelled_or_rescheduled(receptionist, lawyer, case):
    allow_sms(case.holder, True)
    appointment = _tomorrow_booking(receptionist, lawyer, case)
    services.appointment_cancel(appointment=appointment, by=receptionist)
    assert services.appointment_reminders_send() == 0
    assert Message.objects.count() == 0


def test_no_reminder_for_a_phone_contact_without_record(receptionist, lawyer):
    appointment = book(by=receptionist, staff=lawyer, contact_name="Ana")
    tomorrow = timezone.localdate() + timedelta(days=1)
    shift = timezone.localtime(appointment.starts_at).date() - tomorrow
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=appointment.starts_at - shift, ends_at=appointment.ends_at - shift
    )
    assert services.appointment_reminders_send() == 0


def test_reminders_are_idempotent_and_only_for_tomorrow(receptionist, lawyer, case):
    allow_sms(case.holder, True)
    _tomorrow_booking(receptionist, lawyer, case)
    book(by=receptionist, staff=lawyer, hour=12)  # a week ahead: not yet
    assert services.appointment_reminders_send() == 1
    assert services.appointment_reminders_send() == 0
    assert Message.objects.count() == 1


def test_reminder_command(receptionist, lawyer, case, capsys):
    from django.core.management import call_command

    allow_sms(case.holder, True)
    _tomorrow_booking(receptionist, lawyer, case)
    call_command("agenda_send_reminders")
    assert "1 reminders queued" in capsys.readouterr().out


# --- Calls ---------------------------------------------------------------------------------------------------


def test_call_out_of_hours_is_marked(receptionist):
    day = next_workday(timezone.localdate() - timedelta(days=10))
    inside = log_call(by=receptionist, when=at(day, 10))
    evening = log_call(by=receptionist, when=at(day, 19, 30))
    early = log_call(by=receptionist, when=at(day, 8, 59))
    assert (inside.out_of_hours, evening.out_of_hours, early.out_of_hours) == (False, True, True)
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    assert log_call(by=receptionist, when=at(saturday, 11)).out_of_hours is True
    assert log_call(by=receptionist, when=at(date(2026, 9, 16), 11)).out_of_hours is True  # holiday


def test_call_without_name_is_anonymous_and_bad_input_stores_nothing(receptionist):
    call = log_call(by=receptionist, caller_name="  ")
    assert call.caller_name == "anónima" and call.is_anonymous
    with pytest.raises(ValidationError):
        log_call(by=receptionist, reason="   ")
    with pytest.raises(ValidationError):
        log_call(by=receptionist, when=timezone.now() + timedelta(hours=2))
    assert PhoneCall.objects.count() == 1


def test_call_becomes_an_appointment(receptionist, lawyer):
    call = log_call(by=receptionist, caller_name="Lucía", action="appointment")
    appointment = book(by=receptionist, staff=lawyer, call=call, contact_name="")
    assert appointment.call == call and appointment.contact_name == "Lucía"
    assert list(call.appointments.all()) == [appointment]


def test_call_log_needs_a_desk_role(trainer):
    with pytest.raises(PermissionDenied):
        log_call(by=trainer)


def test_only_who_sees_an_appointment_may_change_it(receptionist, lawyer, outsider, psychologist):
    appointment = book(by=receptionist, staff=lawyer)
    for intruder in (outsider, psychologist):
        with pytest.raises(PermissionDenied):
            services.appointment_cancel(appointment=appointment, by=intruder)
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.SCHEDULED
    services.appointment_cancel(appointment=appointment, by=lawyer)
