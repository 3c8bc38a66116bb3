"""One day's work across the areas, through the pages, as issue 5 tells it: the front desk logs a call and turns it
into an intake and an appointment; the lawyer finds it in her agenda, records the consultation, opens a legal
matter with a hearing and gets the hearing's reminder; a psychologist on the same case keeps a treatment plan
that the lawyer cannot read."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.agenda.models import Appointment, AppointmentStatus, PhoneCall, PhoneLine
from violeta.agenda.tests.factories import next_workday
from violeta.cases.models import CaseEvent, EventKind
from violeta.cases.tests.test_views import intake_data
from violeta.legal.models import Hearing, LegalMatter
from violeta.notifications.models import Notification
from violeta.notifications.services import notifications_deliver_due
from violeta.psychology.models import TreatmentPlan

pytestmark = pytest.mark.django_db

SECRET_FOCUS = "Duelo por la separación y miedo a represalias"


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_call_to_appointment_consultation_matter_hearing_reminder_and_private_psychology(
    client, receptionist, lawyer, psychologist, mailoutbox
):
    # The front desk: a call on the legal line, turned into an intake (nothing retyped) and an appointment.
    client.force_login(receptionist)
    response = client.post(
        reverse("agenda:call_create"),
        {
            "line": PhoneLine.objects.get(code="juridico").pk,
            "at": local(timezone.now()),
            "caller_name": "Rosa",
            "reason": "Quiere divorciarse y pedir pensión para sus hijos",
            "action": "appointment",
        },
    )
    assert response.status_code == 302
    call = PhoneCall.objects.get()
    intake_page = client.get(reverse("cases:intake") + f"?call={call.pk}").content.decode()
    assert "Rosa" in intake_page and call.reason in intake_page
    client.post(
        reverse("cases:intake") + f"?call={call.pk}",
        intake_data(
            **{
                "p-given_names": "Rosa",
                "c-arrival_channel": "phone",
                "c-reason": call.reason,
                "c-team": [lawyer.pk],
            }
        ),
    )
    call.refresh_from_db()
    case = call.case
    assert case is not None
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

    # The lawyer: the appointment is in her week; when the hour comes she records the consultation.
    client.force_login(lawyer)
    week = client.get(reverse("agenda:week") + f"?day={day:%Y-%m-%d}").content.decode()
    assert reverse("agenda:appointment_detail", args=[appointment.pk]) in week
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    client.post(reverse("agenda:appointment_attend", args=[appointment.pk]))
    response = client.post(
        reverse("agenda:appointment_consultation", args=[appointment.pk]),
        {
            "modality": "in_person",
            "started_at": local(timezone.now() - timedelta(hours=1)),
            "duration_minutes": 60,
            "summary": "Primera asesoría: divorcio y pensión alimenticia.",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED and appointment.consultation.case == case

    # A legal matter with a hearing in three days: the reminders wait for their time, then reach her.
    notifications_deliver_due()  # what is already due (the desk booked her agenda) goes out first
    mailoutbox.clear()
    response = client.post(
        reverse("legal:matter_create", args=[case.folio]),
        {"kind": "divorce", "responsible": lawyer.pk, "authority": "Juzgado Segundo de lo Familiar"},
    )
    assert response.status_code == 302
    matter = LegalMatter.objects.get(case=case)
    hearing_at = timezone.localtime(timezone.now() + timedelta(days=3)).replace(hour=11, minute=0)
    response = client.post(
        reverse("legal:hearing_create", args=[matter.pk]),
        {"kind": "hearing", "starts_at": local(hearing_at), "place": "Juzgado Segundo de lo Familiar"},
    )
    assert response.status_code == 302
    hearing = Hearing.objects.get(matter=matter)
    desk = client.get(reverse("legal:desk")).content.decode()
    assert reverse("legal:matter_detail", args=[matter.pk]) in desk
    reminders = Notification.objects.filter(recipient=lawyer, key__startswith=f"legal.hearing:{hearing.pk}:")
    assert reminders.count() == 2 and not reminders.filter(deliver_at__lte=timezone.now()).exists()
    assert notifications_deliver_due() == 0
    reminders.filter(key__endswith="day-before").update(deliver_at=timezone.now() - timedelta(minutes=1))
    assert notifications_deliver_due() == 1
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert case.folio in inbox
    assert len(mailoutbox) == 1 and "Rosa" not in mailoutbox[0].subject + mailoutbox[0].body

    # Psychology joins the case and keeps a treatment plan that the lawyer cannot read.
    client.post(reverse("cases:team_add", args=[case.folio]), {"user": psychologist.pk})
    client.force_login(psychologist)
    response = client.post(
        reverse("psychology:plan_create", kwargs={"folio": case.folio}),
        {
            "focus": SECRET_FOCUS,
            "approach": "trauma",
            "frequency": "weekly",
            "started_on": timezone.localdate().isoformat(),
            "goals": "Reducir la ansiedad\nFortalecer su red de apoyo",
        },
    )
    assert response.status_code == 302
    assert TreatmentPlan.objects.filter(case=case).exists()
    assert (
        SECRET_FOCUS in client.get(reverse("psychology:plan", kwargs={"folio": case.folio})).content.decode()
    )
    client.force_login(lawyer)
    assert client.get(reverse("psychology:plan", kwargs={"folio": case.folio})).status_code == 404
    case_page = client.get(reverse("cases:detail", args=[case.folio])).content.decode()
    assert SECRET_FOCUS not in case_page and "Reducir la ansiedad" not in case_page

    # The case file tells the whole story, in order.
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    for kind in (EventKind.APPOINTMENT, EventKind.CONSULTATION, EventKind.LEGAL, EventKind.HEARING):
        assert kind in kinds, kind
