"""The agenda pages and the call log through the browser's eyes: scopes, query counts, call to intake."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.agenda.models import Appointment, AppointmentStatus, PhoneCall
from violeta.agenda.tests.factories import at, book, log_call, next_workday
from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case, CaseEvent, EventKind
from violeta.cases.tests.factories import CaseFactory, StaffFactory
from violeta.cases.tests.test_views import intake_data
from violeta.legal.models import Hearing, LegalMatter
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer, receptionist):
    return CaseFactory(opened_by=lawyer, team=(receptionist,))


def test_week_with_500_appointments_renders_in_bounded_queries(
    client, receptionist, area_legal, django_assert_max_num_queries
):
    """500 appointments in one week of the legal area (25 lawyers, 4 a day): the page's query count is fixed."""
    lawyers = [StaffFactory(role="legal", area=area_legal) for _ in range(25)]
    people = [PersonFactory() for _ in range(20)]
    monday = next_workday(days=7)
    monday -= timedelta(days=monday.weekday())
    rows = []
    for index in range(500):
        day = monday + timedelta(days=index % 5)
        staff = lawyers[(index // 5) % 25]
        hour = 9 + (index // 125)
        start = at(day, hour)
        rows.append(
            Appointment(
                staff=staff,
                area=area_legal,
                person=people[index % 20] if index % 2 else None,
                contact_name="" if index % 2 else "Ana",
                modality="in_person",
                starts_at=start,
                ends_at=start + timedelta(minutes=50),
                created_by=receptionist,
            )
        )
    Appointment.objects.bulk_create(rows)
    # and 100 hearings of theirs (4 each, in the afternoons): shown as busy time, in a fixed number of queries
    case = CaseFactory(opened_by=receptionist)
    matters = LegalMatter.objects.bulk_create(
        LegalMatter(case=case, kind="alimony", responsible=lawyer, opened_by=lawyer) for lawyer in lawyers
    )
    Hearing.objects.bulk_create(
        Hearing(
            matter=matters[index % 25],
            starts_at=at(monday + timedelta(days=index % 5), 13),
            created_by=receptionist,
        )
        for index in range(100)
    )
    client.force_login(receptionist)
    url = reverse("agenda:week") + f"?day={monday:%Y-%m-%d}&area=juridica"
    # 12, one for the appointments about cases she may not see (busy time), one for the audit chain's tail, and
    # three for the flags beside her name (people.flags: risk and orders, the case file, safe contact), one for
    # her break-glass grants and protocol designation (cases.selectors.visible_cases)
    with django_assert_max_num_queries(18):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("appt-scheduled") == 500
    assert response.content.decode().count("busy-hearing") == 100
    assert "500 citas" in response.content.decode()


def test_area_staff_see_only_their_own_agenda(client, receptionist, lawyer, outsider):
    mine = book(by=receptionist, staff=lawyer, contact_name="Marisol")
    day = timezone.localtime(mine.starts_at).date()
    book(by=receptionist, staff=outsider, day=day, contact_name="Berenice")
    client.force_login(lawyer)
    # asking for the other lawyer's agenda or the area's gives her own
    for query in (f"staff={outsider.pk}", "area=juridica", ""):
        body = client.get(reverse("agenda:week") + f"?day={day:%Y-%m-%d}&{query}").content.decode()
        assert "Marisol" in body and "Berenice" not in body


def test_coordinator_sees_her_area_and_reception_all(client, receptionist, coordinator, lawyer, psychologist):
    legal = book(by=receptionist, staff=lawyer, contact_name="Marisol")
    day = timezone.localtime(legal.starts_at).date()
    book(by=receptionist, staff=psychologist, day=day, contact_name="Berenice")
    url = reverse("agenda:week") + f"?day={day:%Y-%m-%d}"
    client.force_login(coordinator)
    body = client.get(url).content.decode()
    assert "Marisol" in body and "Berenice" not in body
    body = client.get(url + "&area=psicologia").content.decode()  # not her area: falls back to hers
    assert "Berenice" not in body
    client.force_login(receptionist)
    body = client.get(url).content.decode()
    assert "Marisol" in body and "Berenice" in body
    body = client.get(reverse("agenda:day") + f"?day={day:%Y-%m-%d}&staff={psychologist.pk}").content.decode()
    assert "Berenice" in body and "Marisol" not in body


def test_agenda_listing_is_audited(client, receptionist, lawyer, case):
    appointment = book(by=receptionist, staff=lawyer, case=case)
    client.force_login(lawyer)
    client.get(reverse("agenda:week") + f"?day={timezone.localtime(appointment.starts_at):%Y-%m-%d}")
    assert AuditEvent.objects.filter(
        actor=lawyer,
        action=Action.VIEW,
        object_type="people.person",
        object_id=str(case.holder_id),
        detail="agenda",
        case_id=case.pk,
    ).exists()


def test_outsider_gets_404_on_an_appointment_and_it_is_audited(client, receptionist, lawyer, outsider, case):
    appointment = book(by=receptionist, staff=lawyer, case=case)
    client.force_login(outsider)
    assert client.get(reverse("agenda:appointment_detail", args=[appointment.pk])).status_code == 404
    assert client.post(reverse("agenda:appointment_cancel", args=[appointment.pk])).status_code == 404
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.SCHEDULED
    assert AuditEvent.objects.filter(actor=outsider, action=Action.ACCESS_DENIED, case_id=case.pk).exists()


def test_book_from_the_form_and_double_booking_error_in_spanish(client, receptionist, lawyer, case):
    client.force_login(receptionist)
    day = next_workday(days=7)
    data = {
        "staff": lawyer.pk,
        "starts_at": f"{day:%Y-%m-%d}T10:00",
        "duration": 60,
        "modality": "in_person",
        "folio": case.folio,
    }
    response = client.post(reverse("agenda:appointment_create"), data)
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and appointment.case == case
    data["starts_at"] = f"{day:%Y-%m-%d}T10:30"
    data["folio"] = ""
    data["contact_name"] = "Rosa"
    response = client.post(reverse("agenda:appointment_create"), data)
    assert response.status_code == 200
    assert "ya tiene una cita de 10:00 a 11:00" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_booking_with_a_case_the_user_cannot_see_is_refused_and_audited(client, lawyer, outsider, case):
    client.force_login(outsider)
    day = next_workday(days=7)
    data = {
        "staff": outsider.pk,
        "starts_at": f"{day:%Y-%m-%d}T10:00",
        "duration": 60,
        "modality": "in_person",
        "folio": case.folio,
    }
    response = client.post(reverse("agenda:appointment_create"), data)
    assert response.status_code == 200
    assert "No hay un expediente con ese folio" in response.content.decode()
    assert Appointment.objects.count() == 0
    assert AuditEvent.objects.filter(actor=outsider, action=Action.ACCESS_DENIED, case_id=case.pk).exists()


def test_reschedule_and_attend_from_the_pages(client, receptionist, lawyer, case):
    appointment = book(by=receptionist, staff=lawyer, case=case)
    day = timezone.localtime(appointment.starts_at).date()
    client.force_login(receptionist)
    response = client.post(
        reverse("agenda:appointment_reschedule", args=[appointment.pk]),
        {"starts_at": f"{day:%Y-%m-%d}T12:00", "duration": 60},
    )
    new = Appointment.objects.get(status=AppointmentStatus.SCHEDULED)
    assert response["Location"] == reverse("agenda:appointment_detail", args=[new.pk])
    # move it into the past (as if the day came), then the lawyer records the consultation
    Appointment.objects.filter(pk=new.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(lawyer)
    page = client.get(reverse("agenda:appointment_consultation", args=[new.pk])).content.decode()
    assert 'value="60"' in page  # duration prefilled from the appointment
    response = client.post(
        reverse("agenda:appointment_consultation", args=[new.pk]),
        {
            "modality": "in_person",
            "started_at": timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "summary": "Asesoría inicial",
        },
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == AppointmentStatus.ATTENDED and new.consultation.case == case


# --- Calls ---------------------------------------------------------------------------------------------------


def test_quick_call_form_out_of_hours_and_to_appointment(client, receptionist):
    client.force_login(receptionist)
    day = next_workday(timezone.localdate() - timedelta(days=10))
    response = client.post(
        reverse("agenda:call_create"),
        {
            "line": PhoneCall._meta.get_field("line").related_model.objects.get(code="juridico").pk,
            "at": f"{day:%Y-%m-%d}T18:15",
            "caller_name": "Lucía",
            "reason": "Divorcio",
            "action": "appointment",
        },
    )
    call = PhoneCall.objects.get()
    assert call.out_of_hours is True
    assert response["Location"] == reverse("agenda:appointment_create") + f"?call={call.pk}"
    page = client.get(response["Location"]).content.decode()
    assert 'value="Lucía"' in page


def test_call_form_bad_input_stores_nothing(client, receptionist):
    client.force_login(receptionist)
    response = client.post(reverse("agenda:call_create"), {"reason": "", "action": "orientation"})
    assert response.status_code == 200
    assert PhoneCall.objects.count() == 0


def test_call_to_appointment_links_the_call(client, receptionist, lawyer):
    call = log_call(by=receptionist, caller_name="Lucía", action="appointment")
    client.force_login(receptionist)
    day = next_workday(days=7)
    client.post(
        reverse("agenda:appointment_create") + f"?call={call.pk}",
        {"staff": lawyer.pk, "starts_at": f"{day:%Y-%m-%d}T11:00", "duration": 45, "modality": "phone"},
    )
    appointment = Appointment.objects.get()
    assert appointment.call == call and appointment.contact_name == "Lucía"


def test_appointment_links_its_call_only_for_whoever_may_open_the_call(client, receptionist, lawyer):
    """The lawyer sees the appointment reception booked from a call, but not the call (reception's log): no link
    that answers 404 (the crawl of issue 16 found one), the call still named."""
    call = log_call(by=receptionist, caller_name="Lucía", action="appointment")
    appointment = book(by=receptionist, staff=lawyer, call=call, contact_name="")
    call_url = reverse("agenda:call_detail", args=[call.pk])
    url = reverse("agenda:appointment_detail", args=[appointment.pk])
    client.force_login(receptionist)
    assert call_url in client.get(url).content.decode()
    client.force_login(lawyer)
    page = client.get(url).content.decode()
    assert call_url not in page and str(call) in page
    assert client.get(call_url).status_code == 404


def test_call_to_intake_is_prefilled_and_linked_back(client, receptionist):
    call = log_call(by=receptionist, caller_name="Lucía", reason="Su pareja la amenaza", violence=True)
    client.force_login(receptionist)
    url = reverse("cases:intake") + f"?call={call.pk}"
    page = client.get(url).content.decode()
    assert 'value="Lucía"' in page
    assert "Su pareja la amenaza" in page
    assert 'value="phone" selected' in page
    response = client.post(
        url, intake_data(**{"p-given_names": "Lucía", "c-arrival_channel": "phone", "c-reason": call.reason})
    )
    assert response.status_code == 302
    case = Case.objects.get()
    call.refresh_from_db()
    assert call.case == case
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CALL).exists()


def test_call_to_intake_needs_access_to_the_call(client, receptionist, lawyer):
    call = log_call(by=receptionist)
    client.force_login(lawyer)  # area staff see only the calls they took
    assert client.get(reverse("cases:intake") + f"?call={call.pk}").status_code == 404
    assert client.get(reverse("cases:intake") + "?call=nope").status_code == 404


def test_anonymous_call_prefills_no_name(client, receptionist):
    call = log_call(by=receptionist, caller_name="")
    client.force_login(receptionist)
    page = client.get(reverse("cases:intake") + f"?call={call.pk}").content.decode()
    assert "anónima" not in page.split('name="p-given_names"')[1][:200]


def test_call_stats_count_out_of_hours_per_line(
    client, receptionist, coordinator, django_assert_max_num_queries
):
    day = next_workday(timezone.localdate() - timedelta(days=10))
    log_call(by=receptionist, line="juridico", when=at(day, 10))
    log_call(by=receptionist, line="juridico", when=at(day, 20))
    log_call(by=receptionist, line="violencia", when=at(day, 22))
    log_call(by=receptionist, line="violencia", when=at(day, 23))
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("agenda:call_stats"))
    rows = response.context["rows"]
    counts = {(r.line.code, r.in_hours, r.out_of_hours) for r in rows}
    assert counts == {("juridico", 1, 1), ("violencia", 0, 2)}
    assert response.context["totals"] == {"inside": 1, "outside": 3}


def test_call_list_query_bounded(client, receptionist, django_assert_max_num_queries):
    from violeta.agenda.callbacks import callback_request_submit

    for n in range(30):
        log_call(by=receptionist, caller_name=f"N{n}")
        callback_request_submit(kind="call", phone="6143217788", may_leave_message=False, may_send_sms=False)
    client.force_login(receptionist)
    # 10 for the calls, 3 for the pending callback requests (the rows; their audited read: chain head, insert),
    # 1 for her break-glass grants and protocol designation (cases.selectors.visible_cases)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("agenda:calls"))
    assert response.status_code == 200
    assert len(response.context["calls"]) == 30
    assert len(response.context["callbacks"]) == 30


def test_case_page_offers_booking_with_the_folio(client, lawyer, case):
    client.force_login(lawyer)
    page = client.get(reverse("cases:detail", args=[case.folio])).content.decode()
    link = reverse("agenda:appointment_create") + f"?folio={case.folio}"
    assert link in page
    assert f'value="{case.folio}"' in client.get(link).content.decode()


def test_front_desk_to_lawyer_end_to_end(client, receptionist, lawyer):
    """A call becomes an intake and then an appointment; the lawyer sees it and records the consultation."""
    client.force_login(receptionist)
    client.post(
        reverse("agenda:call_create"),
        {
            "line": PhoneCall._meta.get_field("line").related_model.objects.get(code="juridico").pk,
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "caller_name": "Lucía",
            "reason": "Quiere divorciarse y pedir pensión",
            "action": "appointment",
        },
    )
    call = PhoneCall.objects.get()
    client.post(
        reverse("cases:intake") + f"?call={call.pk}",
        intake_data(
            **{
                "p-given_names": "Lucía",
                "c-arrival_channel": "phone",
                "c-reason": call.reason,
                "c-team": [lawyer.pk],
            }
        ),
    )
    call.refresh_from_db()
    case = call.case
    assert case is not None
    form_page = client.get(reverse("agenda:appointment_create") + f"?call={call.pk}").content.decode()
    assert f'value="{case.folio}"' in form_page  # the case file from the call, not retyped
    day = next_workday(days=7)
    client.post(
        reverse("agenda:appointment_create") + f"?call={call.pk}",
        {
            "staff": lawyer.pk,
            "starts_at": f"{day:%Y-%m-%d}T10:00",
            "duration": 60,
            "modality": "in_person",
            "folio": case.folio,
        },
    )
    appointment = Appointment.objects.get()
    assert (appointment.case, appointment.call, appointment.staff) == (case, call, lawyer)

    client.force_login(lawyer)
    week = client.get(reverse("agenda:week") + f"?day={day:%Y-%m-%d}").content.decode()
    assert reverse("agenda:appointment_detail", args=[appointment.pk]) in week
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    detail = client.get(reverse("agenda:appointment_detail", args=[appointment.pk])).content.decode()
    assert reverse("agenda:appointment_consultation", args=[appointment.pk]) in detail
    client.post(reverse("agenda:appointment_attend", args=[appointment.pk]))
    response = client.post(
        reverse("agenda:appointment_consultation", args=[appointment.pk]),
        {
            "modality": "in_person",
            "started_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "summary": "Primera asesoría jurídica",
        },
    )
    assert response["Location"] == reverse("cases:detail", args=[case.folio])
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED and appointment.consultation is not None
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    # the call, then the booking and its attendance
    assert EventKind.CALL in kinds and kinds.count(EventKind.APPOINTMENT) >= 2
    assert EventKind.CONSULTATION in kinds


def test_call_to_intake_whose_link_back_fails_leaves_no_case(client, receptionist, lawyer):
    from django.db.models.signals import post_save

    from violeta.agenda.models import PhoneCall
    from violeta.cases.tests.factories import CaseFactory

    call = log_call(by=receptionist, caller_name="Lucía")
    other = CaseFactory(opened_by=lawyer)
    client.force_login(receptionist)

    def linked_meanwhile(sender, instance, created, **kwargs):
        # Another receptionist turned the same call into another case file while this one was being saved.
        if created:
            PhoneCall.objects.filter(pk=call.pk).update(case=other)

    post_save.connect(linked_meanwhile, sender=Case, dispatch_uid="test-call-linked-meanwhile")
    try:
        response = client.post(
            reverse("cases:intake") + f"?call={call.pk}",
            intake_data(**{"p-given_names": "Lucía", "c-arrival_channel": "phone"}),
        )
    finally:
        post_save.disconnect(sender=Case, dispatch_uid="test-call-linked-meanwhile")
    assert response.status_code == 200
    assert "Esa llamada ya está vinculada a otro expediente." in response.content.decode()
    assert list(Case.objects.all()) == [other]  # (the simulated link rolled back with the intake too)
