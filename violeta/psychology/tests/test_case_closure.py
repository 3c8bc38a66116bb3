"""A case closed while its treatment plan is still in progress: the closure goes ahead, psychology is told, the
plan waits flagged in "Mis planes" and on its page, and the discharge can still be recorded on the closed case."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.cases.services import case_close
from violeta.cases.tests.factories import CaseFactory
from violeta.notifications.models import Notification
from violeta.psychology import services
from violeta.psychology.models import PlanStatus
from violeta.psychology.tests.test_psychology import SECRET_FOCUS, start_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer, psychologist):
    return CaseFactory(opened_by=lawyer, team=(psychologist,))


def discharge_notices():
    return Notification.objects.filter(kind="psychology.discharge")


def test_closing_a_case_in_treatment_tells_the_psychologist_and_her_coordinator(
    case, lawyer, psychologist, psychology_coordinator, coordinator
):
    plan = start_plan(case, psychologist)
    case_close(case=case, by=lawyer, reason="no_contact")
    case.refresh_from_db()
    assert not case.is_active  # closure is not held up by psychology
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE  # nor does it write psychology's discharge for her
    notices = discharge_notices()
    assert {n.recipient for n in notices} == {psychologist, psychology_coordinator}  # not the legal one
    for notice in notices:
        assert case.folio in notice.message and "alta" in notice.message
        assert case.holder.given_names not in notice.message and SECRET_FOCUS not in notice.message
        assert notice.url == reverse("psychology:discharge", kwargs={"folio": case.folio})
        assert notice.deliver_at <= timezone.now()


def test_closing_a_case_without_a_plan_in_treatment_tells_nobody(case, lawyer, psychologist):
    plan = start_plan(case, psychologist)
    services.plan_discharge(
        plan=plan, by=psychologist, reason="goals_met", summary="Logró sus objetivos.", ended_on=None
    )
    case_close(case=case, by=lawyer, reason="concluded")
    assert not discharge_notices().exists()
    other = CaseFactory(opened_by=lawyer)
    case_close(case=other, by=lawyer, reason="concluded")
    assert not discharge_notices().exists()


def test_the_discharge_is_recorded_on_the_closed_case_and_nothing_else_is(client, case, lawyer, psychologist):
    plan = start_plan(case, psychologist)
    case_close(case=case, by=lawyer, reason="no_contact")
    client.force_login(psychologist)
    body = client.get(reverse("psychology:plan", kwargs={"folio": case.folio})).content.decode()
    assert "pending-discharge" in body and "Registrar alta" in body
    assert reverse("psychology:session_create", kwargs={"folio": case.folio}) not in body
    with pytest.raises(ValidationError):  # the rest of the care stays closed with the case
        services.session_record(
            case=case,
            by=psychologist,
            modality="in_person",
            started_at=timezone.now(),
            duration_minutes=50,
            summary="x",
            progress_note="y",
        )
    response = client.post(
        reverse("psychology:discharge", kwargs={"folio": case.folio}),
        {
            "reason": "dropped_out",
            "ended_on": timezone.localdate().isoformat(),
            "summary": "Dejó de asistir.",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DISCHARGED and plan.discharge_reason == "dropped_out"
    body = client.get(reverse("psychology:plan", kwargs={"folio": case.folio})).content.decode()
    assert "pending-discharge" not in body


def test_the_coordinator_sees_plans_left_open_by_a_closure_first_and_flagged(
    client, lawyer, psychologist, psychology_coordinator
):
    open_case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    closed_case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    start_plan(open_case, psychologist)
    start_plan(closed_case, psychologist)
    case_close(case=closed_case, by=lawyer, reason="no_contact")
    for user in (psychology_coordinator, psychologist):
        client.force_login(user)
        response = client.get(reverse("psychology:my_plans"))
        plans = list(response.context["page"].object_list)
        assert [p.case for p in plans] == [closed_case, open_case]
        body = response.content.decode()
        assert body.count("pending-discharge") == 1
        assert "Expediente cerrado: registre el alta" in body
