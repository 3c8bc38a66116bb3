"""A restricted (internal-protocol) case leaks through nothing that points at it (issue 12, hole 2), and the case
timeline shows each line only to those who may read the section it comes from (hole 10).

The world: a case opened by reception with a psychologist and a lawyer on its team, an appointment with the
psychologist; then the director designates another lawyer (``outsider``) for the internal protocol and she
attends it under the protocol: from then on only she and the director see it.
"""

import pytest
from django.urls import reverse

from violeta.agenda.models import AppointmentStatus
from violeta.agenda.tests.factories import book, next_workday
from violeta.audit.models import Action, AuditEvent
from violeta.cases import internal_protocol
from violeta.cases.models import CaseEvent, EventKind
from violeta.cases.services import case_event_record
from violeta.cases.tests.factories import CaseFactory
from violeta.notifications.models import Notification
from violeta.notifications.services import notify
from violeta.referrals import services as referral_services
from violeta.referrals.tests.factories import institution, refer
from violeta.violence.tests.factories import assess, epv_r


@pytest.fixture
def restricted(receptionist, lawyer, psychologist, outsider, director, psychology_coordinator):
    case = CaseFactory(opened_by=receptionist, team=(psychologist, lawyer))
    day = next_workday(days=2)
    appointment = book(by=receptionist, staff=psychologist, case=case, day=day)
    internal_protocol.internal_protocol_designate(user=outsider, by=director)
    internal_protocol.internal_protocol_open(
        case=case, by=outsider, dependency="Dirección de Obras", conduct="Hostigamiento laboral reiterado."
    )
    case.refresh_from_db()
    return {"case": case, "appointment": appointment, "day": day}


NOT_DESIGNATED = ["receptionist", "psychologist", "psychology_coordinator", "lawyer"]


@pytest.mark.parametrize("persona", NOT_DESIGNATED)
def test_restricted_appointment_is_404_for_staff_not_designated(persona, client, request, restricted):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    pk = restricted["appointment"].pk
    response = client.get(reverse("agenda:appointment_detail", kwargs={"pk": pk}))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, actor=user, case_id=restricted["case"].pk
    ).exists()


@pytest.mark.parametrize("persona", NOT_DESIGNATED)
@pytest.mark.parametrize("name", ["agenda:appointment_cancel", "agenda:appointment_attend"])
def test_restricted_appointment_cannot_be_changed_by_post(persona, name, client, request, restricted):
    client.force_login(request.getfixturevalue(persona))
    appointment = restricted["appointment"]
    response = client.post(reverse(name, kwargs={"pk": appointment.pk}))
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.SCHEDULED


@pytest.mark.parametrize("persona", ["director"])
def test_restricted_appointment_is_open_to_the_designated_and_the_director(
    persona, client, request, restricted
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("agenda:appointment_detail", kwargs={"pk": restricted["appointment"].pk}))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", NOT_DESIGNATED)
def test_restricted_appointment_is_only_busy_time_in_the_week(persona, client, request, restricted):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    case = restricted["case"]
    response = client.get(
        reverse("agenda:week"),
        {"day": restricted["day"].isoformat(), "staff": restricted["appointment"].staff_id},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert case.folio not in body
    # her whole name: a random given name ("Laura") may also be a staff member's, listed in the staff picker
    assert case.holder.full_name not in body
    assert reverse("agenda:appointment_detail", kwargs={"pk": restricted["appointment"].pk}) not in body


def test_restricted_appointment_shows_in_the_designated_lawyers_view(client, director, restricted):
    client.force_login(director)
    response = client.get(reverse("agenda:week"), {"day": restricted["day"].isoformat()})
    assert restricted["case"].folio in response.content.decode()


def test_notices_about_a_restricted_case_go_only_to_who_may_see_it(
    outsider, receptionist, psychologist, lawyer, restricted
):
    case = restricted["case"]
    oic = institution("oic", name="Órgano Interno de Control")
    referral = refer(case, outsider, oic)
    referral_services.referral_accept(referral=referral, by=outsider, note="Recibido.")
    for user in (receptionist, psychologist, lawyer):
        assert not Notification.objects.filter(recipient=user, message__contains=referral.folio).exists()


def test_notify_about_a_case_skips_staff_who_cannot_see_it(receptionist, outsider, director, restricted):
    case = restricted["case"]
    notify(recipients=[receptionist, outsider, director], kind="test", message="Aviso", case=case)
    assert set(Notification.objects.filter(kind="test").values_list("recipient_id", flat=True)) == {
        outsider.pk,
        director.pk,
    }


def test_inbox_hides_notices_about_a_case_she_can_no_longer_see(client, receptionist, psychologist, lawyer):
    case = CaseFactory(opened_by=receptionist, team=(psychologist, lawyer))
    notify(recipients=[psychologist], kind="test", message="Aviso sobre el expediente", case=case)
    client.force_login(psychologist)
    assert "Aviso sobre el expediente" in client.get(reverse("notifications:inbox")).content.decode()
    # She leaves the team: the notice stays in the table but is no longer shown, counted or opened.
    case.team_members.filter(user=psychologist).delete()
    assert "Aviso sobre el expediente" not in client.get(reverse("notifications:inbox")).content.decode()
    notice = Notification.objects.get(recipient=psychologist, kind="test")
    assert client.post(reverse("notifications:open", kwargs={"pk": notice.pk})).status_code == 404


# --- the case timeline, by section (hole 10) --------------------------------------------------------------------


@pytest.fixture
def case_with_violence_lines(receptionist, lawyer, psychologist):
    case = CaseFactory(opened_by=receptionist, team=(lawyer, psychologist))
    assess(case, lawyer, epv_r(), yes=("1",))
    case_event_record(
        case=case, by=lawyer, kind=EventKind.VIOLENCE, description="Detección de trata: sin indicios"
    )
    return case


def test_reception_timeline_hides_violence_lines(client, receptionist, case_with_violence_lines):
    case = case_with_violence_lines
    risk = CaseEvent.objects.get(case=case, kind=EventKind.RISK)
    client.force_login(receptionist)
    body = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert risk.description not in body
    assert "Detección de trata" not in body


def test_area_staff_timeline_keeps_violence_lines(client, lawyer, case_with_violence_lines):
    case = case_with_violence_lines
    risk = CaseEvent.objects.get(case=case, kind=EventKind.RISK)
    client.force_login(lawyer)
    body = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert risk.description in body
    assert "Detección de trata" in body


def test_notices_given_before_they_carried_their_case_find_it_from_their_link(
    outsider, receptionist, restricted
):
    """The data migration: a notice written before notices carried their case gets it from its link."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("violeta.referrals.migrations.0005_notices_about_a_case")
    case = restricted["case"]
    referral = refer(case, outsider, institution("oic", name="Órgano Interno de Control"))
    old = Notification.objects.create(
        recipient=receptionist,
        kind="referral",
        message=f"Canalización {referral.folio} a OIC: Recibida",
        url=reverse("referrals:detail", kwargs={"folio": referral.folio}),
    )
    other = Notification.objects.create(recipient=receptionist, kind="agenda", message="x", url="/no-existe/")
    migration.forwards(apps, None)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.case_id == case.pk
    assert other.case_id is None
