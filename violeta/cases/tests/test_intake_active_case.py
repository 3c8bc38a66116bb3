"""No dead end when she already has an active case (issue 16, finding 2a): "Es ella" answered "Ella ya tiene un
expediente activo. Pida a su equipo…" with no way to go on, even for a receptionist on that case's team."""

import pytest
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import CaseTeamMember
from violeta.cases.tests.test_intake_lookup import _choose_her
from violeta.cases.tests.test_intake_lookup import registered as registered  # the fixture
from violeta.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_on_her_team_the_desk_is_offered_her_case_and_an_appointment(
    client, receptionist, lawyer, registered
):
    """Issue 16 (journey intake_phone_call): the desk on her team was also told to ask to be added to it, in red,
    and offered "Registrar una atención", a page the front desk may not open (it records an area's
    consultations): a dead link."""
    case = registered.held_cases.get()
    CaseTeamMember.objects.create(case=case, user=receptionist, area=receptionist.area, added_by=lawyer)
    client.force_login(receptionist)
    body = _choose_her(client, registered).content.decode()
    assert reverse("cases:detail", args=[case.folio]) in body
    assert f"{reverse('agenda:appointment_create')}?folio={case.folio}" in body
    assert reverse("cases:consultation_create", args=[case.folio]) not in body
    assert "Pida a su equipo" not in body  # she is on it
    assert client.get(reverse("cases:consultation_create", args=[case.folio])).status_code == 404


def test_a_lawyer_on_her_team_is_offered_to_record_the_consultation(client, lawyer, registered):
    case = registered.held_cases.get()
    client.force_login(lawyer)
    body = _choose_her(client, registered).content.decode()
    assert reverse("cases:detail", args=[case.folio]) in body
    assert reverse("cases:consultation_create", args=[case.folio]) in body
    assert "Pida a su equipo" not in body


def test_off_her_team_the_desk_asks_the_team_to_add_her_without_seeing_the_case(
    client, receptionist, lawyer, registered
):
    case = registered.held_cases.get()
    client.force_login(receptionist)
    body = _choose_her(client, registered).content.decode()
    assert case.folio not in body and reverse("cases:detail", args=[case.folio]) not in body
    ask = reverse("cases:request_to_join")
    assert f'action="{ask}"' in body
    response = client.post(ask, {"person": registered.pk}, follow=True)
    assert "Se pidió a su equipo" in response.content.decode()
    notice = Notification.objects.get(recipient=lawyer)
    assert case.folio in notice.message and receptionist.full_name in notice.message
    assert registered.given_names not in notice.message  # e-mailed notices name no one
    assert notice.url == reverse("cases:detail", args=[case.folio])
    assert AuditEvent.objects.filter(
        actor=receptionist, action=Action.LOOKUP, object_type="cases.case"
    ).exists()
    assert not CaseTeamMember.objects.filter(case=case, user=receptionist).exists()  # the team decides


def test_asking_about_someone_without_an_active_case_or_unknown_changes_nothing(client, receptionist):
    client.force_login(receptionist)
    assert client.post(reverse("cases:request_to_join"), {"person": 999999}).status_code == 404
    assert not Notification.objects.exists()
