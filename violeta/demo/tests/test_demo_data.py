"""`make run` loads the demo data: it must build, be idempotent, and give every role something real to see.

The demo is built once for the module (``violeta.testing.demo``: most of a minute on a slow machine) and each
test reads it in its own transaction: the whole demo here, then each app's part of it."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from violeta.accounts.demo import DemoAccount, demo_email
from violeta.accounts.models import Role, User
from violeta.agenda.models import Appointment, PhoneCall
from violeta.alerts.models import Alert, AlertStatus
from violeta.audit.models import AuditEvent
from violeta.cases.models import Case, Consultation
from violeta.cases.selectors import visible_cases
from violeta.people.models import Person


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """What ``demo_data`` printed as it built the demo, committed for this module's tests."""
    from violeta.testing.demo import committed_demo

    with committed_demo(django_db_blocker) as printed:
        yield printed


def test_demo_data_builds_once_and_is_idempotent(demo, db):
    assert "violeta-demo-2026" in demo  # the logins are printed
    assert Person.objects.count() >= 200
    assert Case.objects.count() == 150
    assert Consultation.objects.count() > 300
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    # the demo creates its accounts directly (setup), and leaves one role request for the director's screen
    from violeta.accounts.models import GrantStatus, RoleGrant

    assert RoleGrant.objects.filter(status=GrantStatus.PENDING).count() == 1
    # built through the services: the audit log and the timelines are the application's own
    assert AuditEvent.objects.filter(object_type="cases.case").count() >= 150
    assert Alert.objects.filter(status=AlertStatus.ACTIVE, is_duress=True).exists()
    # psychological care and social work (their apps' demo steps)
    from violeta.psychology.models import PlanStatus, ScaleResult, TherapySession, TreatmentPlan
    from violeta.socialwork.models import Application, NeedsAssessment

    assert TreatmentPlan.objects.filter(status=PlanStatus.ACTIVE).exists()
    assert TreatmentPlan.objects.filter(status=PlanStatus.DISCHARGED).exists()
    assert TherapySession.objects.count() > 20 and ScaleResult.objects.count() > 10
    assert NeedsAssessment.objects.count() > 5
    assert {"approved", "rejected", "submitted"} <= set(Application.objects.values_list("status", flat=True))
    # agenda: the coming week booked for the area staff; calls on both lines, some out of hours
    assert Appointment.objects.filter(staff__email__startswith="abogada@").count() >= 10
    assert PhoneCall.objects.values("line").distinct().count() == 2
    assert 0 < PhoneCall.objects.filter(out_of_hours=True).count() < PhoneCall.objects.count()
    lawyer = User.objects.get(email=demo_email(DemoAccount("abogada", "", Role.LEGAL)))
    other = User.objects.get(email=demo_email(DemoAccount("abogada2", "", Role.LEGAL)))
    hers = set(visible_cases(lawyer).values_list("pk", flat=True))
    assert hers - set(
        visible_cases(other).values_list("pk", flat=True)
    )  # cases one lawyer sees, the other not
    # the case plan and approvals (issue 20): plans waiting for the legal coordinator, one closing too
    from violeta.cases.approval_models import ApprovalRequest

    assert ApprovalRequest.objects.filter(status="pending", step="case_plan").count() == 2
    assert ApprovalRequest.objects.filter(status="pending", step__endswith="closure").count() == 1

    # programs: a year of trainings with attendance, and the demo trainer's coming sessions
    from violeta.programs.models import Attendance, Training
    from violeta.programs.selectors import upcoming_sessions

    assert Training.objects.values("program").distinct().count() == 5
    assert Attendance.objects.filter(present=True).count() > 100
    assert upcoming_sessions(User.objects.get(email__startswith="capacitacion@"))
    from violeta.programs.models import Certificate, QuestionnaireResponse, StaffTraining

    assert Certificate.objects.count() > 20 and QuestionnaireResponse.objects.count() > 40
    assert StaffTraining.objects.values("staff").distinct().count() >= 5
    # Superación en acción: a closed group with outcomes to follow up, and one in progress with a waiting list
    from violeta.programs.models import Enrollment, EnrollmentStatus

    enrolments = Enrollment.objects.all()
    assert enrolments.filter(status=EnrollmentStatus.COMPLETED, follow_up_on__isnull=False).exists()
    assert enrolments.filter(status=EnrollmentStatus.WAITING).count() == 2
    assert enrolments.filter(status=EnrollmentStatus.ENROLLED, attendance__present=True).exists()

    # IMM en tu empresa: two visits to Grupo INDEX companies, their consultations in the women's case files;
    # the 16 días de activismo with its events and their reach
    from violeta.programs.models import CampaignEvent, CompanyVisit, EventReach, VisitConsultation

    company_visits = CompanyVisit.objects.filter(organization__grupo_index=True)
    assert [v.consultation_count for v in company_visits] == [2, 2]
    assert set(VisitConsultation.objects.values_list("consultation__modality", flat=True)) == {"company"}
    assert CampaignEvent.objects.filter(campaign__name__startswith="16 días").count() >= 1
    assert EventReach.objects.exists()

    counts = (Person.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    call_command("demo_data", stdout=io.StringIO())
    assert (Person.objects.count(), Case.objects.count()) == counts[:2]


# --- each app's part of the demo ---------------------------------------------------------------------------------


def test_demo_has_violence_risk_priority_and_an_order_about_to_expire(demo, db):
    from violeta.notifications.models import Notification
    from violeta.violence.models import ProtectionOrder, RiskAssessment, SafetyPlan, TraffickingScreening
    from violeta.violence.selectors import expiring_orders

    lawyer = User.objects.get(email__startswith="abogada@")
    assert RiskAssessment.objects.filter(is_alarm=True).count() >= 3
    assert RiskAssessment.objects.exclude(final_level=F("computed_level")).exists()
    priority = Case.objects.filter(is_priority=True)
    assert priority.count() >= 3
    assert all(case.team_members.filter(user=lawyer).exists() for case in priority)
    assert SafetyPlan.objects.count() == 1
    assert TraffickingScreening.objects.filter(flagged=True).count() == 1
    (soon,) = expiring_orders(lawyer, days=10)
    assert soon.status == ProtectionOrder.Status.GRANTED
    assert Notification.objects.filter(
        recipient=lawyer, key__startswith=f"violence.order:{soon.pk}:"
    ).exists()


def test_demo_referrals(demo, db):
    """The demo gives the DIF liaison her referrals (one overdue) and reception an inbound referral."""
    from violeta.referrals.models import InboundReferral, Referral
    from violeta.referrals.selectors import liaison_referrals

    liaison = User.objects.get(email="enlace.dif@violeta.demo")
    theirs = list(liaison_referrals(liaison))
    assert {r.institution.code for r in theirs} == {"dif"}
    assert {r.status for r in theirs} >= {"attended", "received", "sent"}
    assert any(r.is_overdue for r in theirs)
    assert Referral.objects.filter(flagged=True).exists()
    assert Referral.objects.filter(status="draft").exists()
    assert Referral.objects.filter(status="cancelled").exists()
    assert Referral.objects.filter(status="rejected", events__from_status="received").exists()
    assert InboundReferral.objects.filter(status="pending").exists()
    assert Referral.objects.filter(institution__code="oic", case__is_internal_protocol=True).exists()


def test_demo_has_an_arco_request_and_a_breach(demo, db):
    """The privacy part: one ARCO request in progress, its clock running, and one breach entry."""
    from violeta.core.demo import DEMO_DOMAIN
    from violeta.privacy.models import ArcoRequest, ArcoStatus, Breach

    request = ArcoRequest.objects.get()
    assert request.status == ArcoStatus.IN_PROGRESS
    assert not request.is_overdue()
    assert request.handler.email == f"direccion@{DEMO_DOMAIN}"
    assert Breach.objects.count() == 1


def test_demo_builds_the_card_program(demo, db):
    """The card part: every application state, replaced and cancelled cards, a linked demo till."""
    from violeta.card.models import ApplicationStatus, CardApplication, CardUse, MerchantCategory
    from violeta.core.demo import DEMO_DOMAIN

    states = set(CardApplication.objects.values_list("status", flat=True))
    assert states == set(ApplicationStatus.values)
    till = User.objects.get(email=f"comercio@{DEMO_DOMAIN}")
    assert till.merchant_account.merchant.is_affiliated()
    assert set(CardUse.objects.values_list("merchant__category", flat=True)) == set(
        MerchantCategory.objects.values_list("pk", flat=True)
    )
    assert CardUse.objects.filter(result="valid").count() == CardUse.objects.count()
