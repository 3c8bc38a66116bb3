"""A risk level lowered below the score waits for approval (issue 20); raising it never does."""

import pytest

from violeta.cases import approvals
from violeta.cases.approval_models import ApprovalRequest, ApprovalRule, ApprovalStep, RequestStatus
from violeta.cases.models import EventKind
from violeta.cases.tests.factories import CaseFactory
from violeta.notifications.models import Notification
from violeta.violence.models import RiskAssessment
from violeta.violence.tests.factories import assess, made_up_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer, psychologist, coordinator):
    return CaseFactory(opened_by=lawyer, team=(psychologist,))


def test_the_step_is_registered_by_violence():
    assert "risk_override" in approvals.registered()


def test_a_downward_override_waits_and_the_higher_level_stands(case, lawyer, coordinator):
    instrument = made_up_instrument()
    # a + c = 4: "high" (an alarm); she judges it moderate
    assessment = assess(
        case,
        lawyer,
        instrument,
        yes=("a", "c"),
        final_level="moderate",
        override_reason="Él ya no vive en la casa.",
    )
    assert assessment.computed_level == "high"
    assert assessment.final_level == "high" and assessment.is_alarm  # meanwhile the higher level stands
    case.refresh_from_db()
    assert case.is_priority
    request = ApprovalRequest.objects.get(case=case, step=ApprovalStep.RISK_OVERRIDE)
    assert request.is_pending and request.payload == {"assessment": assessment.pk, "level": "moderate"}
    assert Notification.objects.filter(recipient=coordinator, kind="cases.approval").exists()
    # its timeline lines are the violence section's, which the front desk does not read
    assert not case.events.filter(kind=EventKind.APPROVAL).exists()
    assert case.events.filter(
        kind=EventKind.RISK, description__contains="Nivel de riesgo bajado"
    ).exists() or (
        case.events.filter(kind=EventKind.RISK, description__contains="Risk level lowered").exists()
    )
    approvals.approval_decide(request=request, by=coordinator, approve=True)
    assessment.refresh_from_db()
    assert assessment.final_level == "moderate" and not assessment.is_alarm
    assert assessment.override_reason == "Él ya no vive en la casa."
    assert ApprovalRequest.objects.get(pk=request.pk).status == RequestStatus.APPROVED


def test_a_returned_downward_override_keeps_the_higher_level(case, lawyer, coordinator):
    instrument = made_up_instrument()
    assessment = assess(
        case, lawyer, instrument, yes=("a", "c"), final_level="low", override_reason="Motivo."
    )
    request = ApprovalRequest.objects.get(case=case, step=ApprovalStep.RISK_OVERRIDE)
    approvals.approval_decide(
        request=request, by=coordinator, approve=False, comment="Hay amenazas recientes."
    )
    assert RiskAssessment.objects.get(pk=assessment.pk).final_level == "high"


def test_an_upward_override_does_not_wait(case, lawyer):
    instrument = made_up_instrument()
    assessment = assess(
        case, lawyer, instrument, yes=("a",), final_level="high", override_reason="Amenaza con arma."
    )
    assert assessment.final_level == "high" and assessment.is_alarm
    assert not ApprovalRequest.objects.filter(case=case).exists()


def test_without_the_rule_a_downward_override_stands_at_once(case, lawyer):
    ApprovalRule.objects.filter(step=ApprovalStep.RISK_OVERRIDE).update(approver="none")
    instrument = made_up_instrument()
    assessment = assess(
        case, lawyer, instrument, yes=("a", "c"), final_level="moderate", override_reason="Motivo."
    )
    assert assessment.final_level == "moderate"
    assert not ApprovalRequest.objects.filter(case=case).exists()
