from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from violeta.agenda.models import PhoneCall
from violeta.agenda.tests.factories import log_call
from violeta.alerts.models import Alert, AlertLocation
from violeta.alerts.services.alerts import alert_locate
from violeta.alerts.tests.factories import mia_alert
from violeta.audit.models import Action, AuditEvent
from violeta.card.models import ApplicationEvent, CardApplication
from violeta.card.services.applications import application_reject
from violeta.card.tests.factories import desk_application
from violeta.cases.models import Case, CloseReason, Consultation
from violeta.cases.services import case_close
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.people.models import Person
from violeta.privacy import tasks
from violeta.privacy.services.retention import retention_run

pytestmark = pytest.mark.django_db
YEAR = timedelta(days=366)


@pytest.fixture
def expired(lawyer, receptionist, card_office):
    """One row of each kind past its retention period, and one of each still within it."""
    rejected = desk_application(card_office)
    application_reject(application=rejected, by=card_office, reason="No vive en el municipio.")
    CardApplication.objects.filter(pk=rejected.pk).update(updated_at=timezone.now() - YEAR)
    recent = desk_application(card_office, given_names="Lucía", first_surname="Ramos")
    application_reject(application=recent, by=card_office, reason="Documentos ilegibles.")

    old_call, new_call = log_call(by=receptionist), log_call(by=receptionist)
    PhoneCall.objects.filter(pk=old_call.pk).update(at=timezone.now() - 3 * YEAR)

    old_case = CaseFactory(opened_by=lawyer)
    record_consultation(old_case, lawyer)
    case_close(case=old_case, by=lawyer, reason=CloseReason.CONCLUDED)
    Case.objects.filter(pk=old_case.pk).update(closed_at=timezone.now() - 6 * YEAR)
    young_case = CaseFactory(opened_by=lawyer)
    case_close(case=young_case, by=lawyer, reason=CloseReason.CONCLUDED)

    alert = mia_alert()
    alert_locate(alert=alert, lat=28.6, lon=-106.1, accuracy=10)
    Alert.objects.filter(pk=alert.pk).update(purge_after=timezone.now() - timedelta(days=1))
    return {
        "rejected": rejected,
        "recent": recent,
        "old_call": old_call,
        "new_call": new_call,
        "old_case": old_case,
        "young_case": young_case,
    }


def test_dry_run_counts_and_deletes_nothing(expired):
    before = AuditEvent.objects.count()
    due = retention_run(dry_run=True)
    assert due["rejected_card_applications"] == 1
    assert due["phone_calls"] == 1
    assert due["closed_cases"] == 1
    assert due["mia_locations"] == 1
    assert CardApplication.objects.filter(pk=expired["rejected"].pk).exists()
    assert Case.objects.filter(pk=expired["old_case"].pk).exists()
    assert AuditEvent.objects.count() == before


def test_run_deletes_what_is_past_its_period_audits_it_and_is_idempotent(expired):
    done = retention_run()
    assert done["rejected_card_applications"] == 1
    assert not CardApplication.objects.filter(pk=expired["rejected"].pk).exists()
    assert not ApplicationEvent.objects.filter(application_id=expired["rejected"].pk).exists()
    assert CardApplication.objects.filter(pk=expired["recent"].pk).exists()
    assert not PhoneCall.objects.filter(pk=expired["old_call"].pk).exists()
    assert PhoneCall.objects.filter(pk=expired["new_call"].pk).exists()
    old = expired["old_case"]
    assert not Case.objects.filter(pk=old.pk).exists()
    assert not Consultation.objects.filter(case_id=old.pk).exists()
    assert not Person.objects.filter(pk=old.holder_id).exists()  # nothing else kept her record
    assert Case.objects.filter(pk=expired["young_case"].pk).exists()
    assert not AlertLocation.objects.exists()
    deletions = AuditEvent.objects.filter(action=Action.DELETE, object_type="privacy.retention")
    assert {e.object_id for e in deletions} == {
        "rejected_card_applications",
        "phone_calls",
        "closed_cases",
        "mia_locations",
    }
    assert "1" in deletions.get(object_id="phone_calls").detail
    # a second run finds nothing more
    again = retention_run()
    assert set(again.values()) == {0}
    assert retention_run(dry_run=True)["closed_cases"] == 0


def test_a_holder_with_another_case_keeps_her_record(expired, lawyer):
    old = expired["old_case"]
    CaseFactory(opened_by=lawyer, holder=old.holder)
    retention_run()
    assert not Case.objects.filter(pk=old.pk).exists()
    assert Person.objects.filter(pk=old.holder_id).exists()


def test_the_audit_log_is_reported_never_deleted(settings):
    settings.PRIVACY = {
        **settings.PRIVACY,
        "RETENTION": {**settings.PRIVACY["RETENTION"], "audit_log_years": 0},
    }
    AuditEvent.objects.create(action=Action.LOGIN, actor_label="x", at=timezone.now() - timedelta(days=3))
    assert retention_run(dry_run=True)["audit_log"] >= 1
    count = AuditEvent.objects.count()
    retention_run()
    assert AuditEvent.objects.count() >= count


def test_command_and_task(expired):
    out = StringIO()
    call_command("privacy_retention", "--dry-run", stdout=out)
    assert "phone_calls: 1" in out.getvalue()
    assert PhoneCall.objects.filter(pk=expired["old_call"].pk).exists()
    result = tasks.retention_run.call()
    assert result["phone_calls"] == 1
    out = StringIO()
    call_command("privacy_retention", stdout=out)
    assert "phone_calls: 0" in out.getvalue()
