"""`make run` loads the demo data: it must build, be idempotent, and give every role something real to see."""

import io

from django.core.management import call_command

from violeta.accounts.demo import DemoAccount, demo_email
from violeta.accounts.models import Role, User
from violeta.agenda.models import Appointment, PhoneCall
from violeta.alerts.models import Alert, AlertStatus
from violeta.audit.models import AuditEvent
from violeta.cases.models import Case, Consultation
from violeta.cases.selectors import visible_cases
from violeta.people.models import Person


def test_demo_data_builds_once_and_is_idempotent(db):
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "violeta-demo-2026" in out.getvalue()  # the logins are printed
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
