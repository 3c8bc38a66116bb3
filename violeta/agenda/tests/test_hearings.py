"""A lawyer's hearings in the agenda: shown next to her appointments (with case data only for who may read the
matter), no appointment booked over them, and a warning when a hearing falls on booked appointments."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.agenda.models import Appointment, AppointmentStatus
from violeta.agenda.services import appointment_reschedule
from violeta.agenda.tests.factories import at, book, next_workday
from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.legal import services as legal
from violeta.legal.models import HearingKind
from violeta.legal.tests.factories import make_hearing, make_matter
from violeta.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(lawyer):
    return make_matter(CaseFactory(opened_by=lawyer), authority="Juzgado Primero Familiar")


@pytest.fixture
def day():
    return next_workday(days=7)


def week_url(day, query=""):
    return reverse("agenda:week") + f"?day={day:%Y-%m-%d}&{query}"


# --- shown in the agenda --------------------------------------------------------------------------------------


def test_the_lawyer_sees_her_hearing_in_her_week_with_a_link_to_the_matter(client, lawyer, matter, day):
    make_hearing(matter, starts_at=at(day, 11), place="Sala 3")
    book(by=lawyer, staff=lawyer, day=day, hour=9, contact_name="Marisol")
    client.force_login(lawyer)
    for url in (week_url(day), reverse("agenda:day") + f"?day={day:%Y-%m-%d}"):
        body = client.get(url).content.decode()
        assert "busy-block busy-hearing" in body
        assert "Marisol" in body
        assert reverse("legal:matter_detail", kwargs={"pk": matter.pk}) in body
        assert matter.case.folio in body and "Sala 3" in body
        assert "11:00–13:00" in body  # two hours unless told otherwise
    assert AuditEvent.objects.filter(
        actor=lawyer, action=Action.VIEW, object_type="legal.legalmatter", detail="agenda"
    ).exists()


def test_reception_sees_only_busy_without_case_data_and_no_deadlines(
    client, receptionist, lawyer, matter, day
):
    make_hearing(matter, starts_at=at(day, 11), place="Sala 3")
    make_hearing(matter, starts_at=at(day, 14), kind=HearingKind.DEADLINE)
    client.force_login(receptionist)
    for url in (
        week_url(day, "area=juridica"),
        week_url(day, f"staff={lawyer.pk}"),
        reverse("agenda:day") + f"?day={day:%Y-%m-%d}&area=juridica",
    ):
        body = client.get(url).content.decode()
        assert "Ocupada: audiencia" in body
        assert "busy-hearing" in body and "busy-deadline" not in body
        assert matter.case.folio not in body
        assert "Sala 3" not in body
        assert reverse("legal:matter_detail", kwargs={"pk": matter.pk}) not in body
    assert not AuditEvent.objects.filter(actor=receptionist, object_type="legal.legalmatter").exists()


def test_the_legal_coordinator_reads_her_area_hearings_and_psychology_sees_none(
    client, coordinator, psychology_coordinator, matter, day
):
    make_hearing(matter, starts_at=at(day, 11), kind=HearingKind.DEADLINE)
    client.force_login(coordinator)
    body = client.get(week_url(day, "area=juridica")).content.decode()
    assert "busy-deadline" in body and matter.case.folio in body
    client.force_login(psychology_coordinator)
    body = client.get(week_url(day)).content.decode()
    assert "busy-block" not in body


def test_cancelled_hearings_leave_the_agenda(client, lawyer, matter, day):
    hearing = make_hearing(matter, starts_at=at(day, 11))
    legal.hearing_cancel(hearing=hearing, by=lawyer, reason="Suspendida")
    client.force_login(lawyer)
    assert "busy-block" not in client.get(week_url(day)).content.decode()


# --- no booking over a hearing ---------------------------------------------------------------------------------


def test_no_appointment_over_a_hearing(receptionist, lawyer, matter, day):
    make_hearing(matter, starts_at=at(day, 11), duration_minutes=90)
    for hour, minutes in ((10, 90), (11, 30), (12, 60)):
        with pytest.raises(ValidationError) as error:
            book(by=receptionist, staff=lawyer, day=day, hour=hour, minutes=minutes)
        assert "tiene una audiencia de 11:00 a 12:30" in str(error.value)
    assert not Appointment.objects.exists()
    # up to when it starts, and from when it ends, she is free
    book(by=receptionist, staff=lawyer, day=day, hour=9, minutes=120)
    book(by=receptionist, staff=lawyer, day=day, hour=13)
    assert Appointment.objects.count() == 2


def test_deadlines_and_cancelled_hearings_do_not_block(receptionist, lawyer, matter, day):
    make_hearing(matter, starts_at=at(day, 11), kind=HearingKind.DEADLINE)
    cancelled = make_hearing(matter, starts_at=at(day, 13))
    legal.hearing_cancel(hearing=cancelled, by=lawyer)
    book(by=receptionist, staff=lawyer, day=day, hour=11)
    book(by=receptionist, staff=lawyer, day=day, hour=13)
    assert Appointment.objects.count() == 2


def test_another_lawyers_hearing_does_not_block(receptionist, outsider, matter, day):
    make_hearing(matter, starts_at=at(day, 11))
    book(by=receptionist, staff=outsider, day=day, hour=11)


def test_rescheduling_onto_a_hearing_is_refused_and_the_appointment_stays(receptionist, lawyer, matter, day):
    appointment = book(by=receptionist, staff=lawyer, day=day, hour=9)
    make_hearing(matter, starts_at=at(day, 12))
    with pytest.raises(ValidationError):
        appointment_reschedule(
            appointment=appointment, by=receptionist, starts_at=at(day, 12), ends_at=at(day, 13)
        )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.SCHEDULED
    assert Appointment.objects.count() == 1


def test_the_booking_page_shows_the_spanish_error_and_stores_nothing(
    client, receptionist, lawyer, matter, day
):
    make_hearing(matter, starts_at=at(day, 11))
    client.force_login(receptionist)
    response = client.post(
        reverse("agenda:appointment_create"),
        {
            "staff": lawyer.pk,
            "starts_at": f"{day:%Y-%m-%d}T11:30",
            "duration": 60,
            "modality": "in_person",
            "contact_name": "Marisol",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "tiene una audiencia de 11:00 a 13:00" in body
    assert matter.case.folio not in body
    assert not Appointment.objects.exists()


# --- a hearing over booked appointments: stored (the court sets it), the lawyer told ----------------------


def test_a_hearing_over_her_appointments_is_stored_and_she_is_told(
    coordinator, receptionist, lawyer, matter, day
):
    first = book(by=receptionist, staff=lawyer, day=day, hour=10)
    book(by=receptionist, staff=lawyer, day=day, hour=13)
    hearing = legal.hearing_schedule(matter=matter, by=coordinator, starts_at=at(day, 10, 30))
    assert [a.pk for a in hearing.clashing_appointments] == [first.pk]
    notice = Notification.objects.get(recipient=lawyer, key__contains=":clash-")
    assert matter.case.folio in notice.message and "1" in notice.message
    assert notice.deliver_at <= timezone.now()
    # a deadline falls on nothing
    deadline = legal.hearing_schedule(
        matter=matter, by=coordinator, starts_at=at(day, 10), kind=HearingKind.DEADLINE
    )
    assert deadline.clashing_appointments == []


def test_the_hearing_page_warns_of_the_clash(client, receptionist, lawyer, matter, day):
    book(by=receptionist, staff=lawyer, day=day, hour=10)
    client.force_login(lawyer)
    response = client.post(
        reverse("legal:hearing_create", kwargs={"pk": matter.pk}),
        {"kind": "hearing", "starts_at": f"{day:%Y-%m-%d}T10:00", "duration_minutes": 90},
        follow=True,
    )
    body = response.content.decode()
    assert "Coincide con 1 cita(s) de la abogada responsable" in body and "reprográmelas" in body
    assert "10:00–11:30" in body  # the hearing, with its end, on the matter page
    assert matter.hearings.get().duration_minutes == 90


def test_week_with_hearings_and_appointments_keeps_its_query_count(
    client, receptionist, coordinator, lawyer, matter, day, django_assert_max_num_queries
):
    """Hearings add a fixed number of queries, however many there are (the 500-appointment test has them too)."""
    monday = day - timedelta(days=day.weekday())
    for n in range(5):
        make_hearing(matter, starts_at=at(monday + timedelta(days=n), 9))
        make_hearing(matter, starts_at=at(monday + timedelta(days=n), 13), kind=HearingKind.DEADLINE)
    for user, expected in ((receptionist, 5), (coordinator, 10), (lawyer, 10)):
        client.force_login(user)
        # 14, one for the appointments about cases she may not see (busy time), one for the audit chain's tail,
        # one for her break-glass grants and protocol designation (cases.selectors.visible_cases)
        with django_assert_max_num_queries(17):
            body = client.get(week_url(monday, "area=juridica")).content.decode()
        assert body.count("busy-block") == expected
