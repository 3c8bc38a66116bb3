"""What each case's follow-up goes by (``FollowUpState``): kept by every writer of a consultation, an assessment
or the case's flags, rebuilt after writes around ``save()``, and read by "Mis pendientes" as index ranges, not a
probe of every active case (a coordinator's area at a state's scale: issue 22)."""

from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from violeta.cases import pending
from violeta.cases.models import Case, Consultation
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.violence import followups
from violeta.violence.followups import follow_ups_due
from violeta.violence.models import FollowUpState, RiskAssessment, RiskInstrument
from violeta.violence.services.risk import case_priority_lift, case_priority_mark
from violeta.violence.tests.factories import assess, made_up_instrument

pytestmark = pytest.mark.django_db

REASON = "Su agresor salió de prisión y la busca."


def state(case):
    return FollowUpState.objects.get(case=case)


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_a_new_case_goes_by_its_opening_and_no_assessment(receptionist, psychologist):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    assert (state(case).last_contact_on, state(case).level) == (timezone.localdate(), "none")


def test_a_consultation_moves_her_last_contact_an_older_one_recorded_later_does_not(
    receptionist, psychologist
):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    case.opened_at = days_ago(60)
    case.save(update_fields=["opened_at"])
    assert state(case).last_contact_on == timezone.localdate(days_ago(60))
    record_consultation(case, psychologist, when=days_ago(20))
    assert state(case).last_contact_on == timezone.localdate(days_ago(20))
    record_consultation(case, psychologist, when=days_ago(40))  # entered late: not her last contact
    assert state(case).last_contact_on == timezone.localdate(days_ago(20))


def test_the_day_of_her_last_contact_is_the_institutes_day(receptionist, psychologist, settings):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    # 03:00 UTC is still the evening before in Chihuahua (UTC-6).
    when = (timezone.now() - timedelta(days=3)).replace(hour=3, minute=0, tzinfo=UTC)
    record_consultation(case, psychologist, when=when)
    assert state(case).last_contact_on == (when - timedelta(hours=6)).date()


def test_an_assessment_sets_her_level_an_alarm_makes_it_high(receptionist, psychologist):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    instrument = made_up_instrument()
    assess(case, psychologist, instrument, yes=("b",))  # 2 points: moderate
    assert state(case).level == "moderate"
    assess(case, psychologist, instrument, yes=("a",), final_level="extreme", override_reason=REASON)
    assert state(case).level == "high"  # an alarm level of another instrument: high


def test_priority_marked_is_high_lifted_goes_back_to_her_last_assessment(
    receptionist, psychologist, psychology_coordinator
):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    assess(case, psychologist, made_up_instrument())  # 0 points: low
    assert state(case).level == "low"
    case_priority_mark(case=case, by=psychology_coordinator, reason=REASON)
    assert state(case).level == "high"
    case.refresh_from_db()
    case_priority_lift(case=case, by=psychology_coordinator, reason=REASON)
    assert state(case).level == "low"


def test_a_closed_case_has_no_state_reopened_it_has_again(receptionist, psychologist):
    from violeta.cases.services import case_close, case_reopen

    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    record_consultation(case, psychologist, when=days_ago(10))
    case_close(case=case, by=psychologist, reason="concluded")
    assert not FollowUpState.objects.filter(case=case).exists()
    case_reopen(case=case, by=psychologist, why="Volvió a pedir atención.")
    assert state(case).last_contact_on == timezone.localdate(days_ago(10))


def test_a_consultation_deleted_gives_back_the_one_before_once_committed(
    receptionist, psychologist, django_capture_on_commit_callbacks
):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    record_consultation(case, psychologist, when=days_ago(30))
    latest = record_consultation(case, psychologist, when=days_ago(2))
    with django_capture_on_commit_callbacks(execute=True):
        latest.delete()
    assert state(case).last_contact_on == timezone.localdate(days_ago(30))


def test_a_case_deleted_with_its_consultations_and_assessments_leaves_no_state(
    receptionist, psychologist, django_capture_on_commit_callbacks
):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    record_consultation(case, psychologist, when=days_ago(3))
    assess(case, psychologist, made_up_instrument())
    with django_capture_on_commit_callbacks(execute=True):
        Case.objects.filter(pk=case.pk).delete()
    assert not FollowUpState.objects.filter(case_id=case.pk).exists()


def test_writes_around_save_are_found_and_fixed_by_the_rebuild(receptionist, psychologist):
    stale = CaseFactory(opened_by=receptionist, team=(psychologist,))
    missing = CaseFactory(opened_by=receptionist, team=(psychologist,))
    right = CaseFactory(opened_by=receptionist, team=(psychologist,))
    closed = CaseFactory(opened_by=receptionist, team=(psychologist,))
    Case.objects.filter(pk=closed.pk).update(status="closed")  # its state is left over
    Consultation.objects.filter(pk=record_consultation(stale, psychologist).pk).update(
        started_at=days_ago(50)
    )
    FollowUpState.objects.filter(case=missing).delete()
    with pytest.raises(SystemExit) as exited:
        call_command("followups_rebuild")
    assert exited.value.code == 1
    assert state(stale).last_contact_on == timezone.localdate(days_ago(50))
    assert state(missing).level == "none" and state(right).level == "none"
    assert not FollowUpState.objects.filter(case=closed).exists()
    call_command("followups_rebuild")  # nothing wrong left: exits 0
    assert followups.rebuild()[1] == 0


def test_an_imported_case_goes_by_its_imported_consultations(coordinator):
    from violeta.dataimport.models import ImportedRecord
    from violeta.dataimport.tests.test_import import bea, prepared, run

    run(prepared(coordinator, rows=[bea("B-1", "05/05/2024"), bea("B-1", "19/05/2024")]), coordinator)
    case = ImportedRecord.objects.get(legacy_folio="B-1").case
    assert state(case).last_contact_on.isoformat() == "2024-05-19"


def test_a_level_no_rule_names_goes_by_the_rule_of_a_case_never_assessed(receptionist, psychologist):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    FollowUpState.objects.filter(case=case).update(
        level="severe", last_contact_on=timezone.localdate(days_ago(29))
    )
    assert follow_ups_due(psychologist, scope=pending.MINE, today=timezone.localdate()) == []
    FollowUpState.objects.filter(case=case).update(last_contact_on=timezone.localdate(days_ago(30)))
    [item] = follow_ups_due(psychologist, scope=pending.MINE, today=timezone.localdate())
    assert item.folio == case.folio and "30" in item.title


def test_in_the_area_view_too_a_level_no_rule_names_goes_by_the_rule_of_a_case_never_assessed(
    receptionist, psychologist, psychology_coordinator
):
    RiskInstrument.objects.create(
        code="otra",
        version="1",
        name="Otro instrumento",
        source="Inventado para las pruebas.",
        levels=[{"code": "medium", "label": "Medio", "min": 0, "max": 9}],
    )
    unnamed = CaseFactory(opened_by=receptionist, team=(psychologist,))
    never = CaseFactory(opened_by=receptionist, team=(psychologist,))
    FollowUpState.objects.filter(case=unnamed).update(
        level="medium", last_contact_on=timezone.localdate(days_ago(31))
    )
    FollowUpState.objects.filter(case=never).update(last_contact_on=timezone.localdate(days_ago(35)))
    items = follow_ups_due(psychology_coordinator, scope=pending.AREA, today=timezone.localdate(), limit=1)
    assert [i.folio for i in items] == [never.folio] and items.total == 2
    items = follow_ups_due(psychology_coordinator, scope=pending.AREA, today=timezone.localdate())
    assert [i.folio for i in items] == [never.folio, unnamed.folio]


def test_the_area_view_lists_the_most_urgent_of_every_level_and_counts_them_all(
    receptionist, psychologist, psychology_coordinator
):
    def stale(days, level=None):
        case = CaseFactory(opened_by=receptionist, team=(psychologist,))
        record_consultation(case, psychologist, when=days_ago(days))
        if level:
            RiskAssessment.objects.create(
                case=case,
                instrument=made_up_instrument(),
                score=5,
                max_possible=6,
                computed_level=level,
                final_level=level,
                is_alarm=level == "high",
                assessed_by=psychologist,
            )
        return case

    high = [stale(days, "high") for days in (8, 20, 12)]  # due 1, 13 and 5 days ago
    low = [stale(days) for days in (45, 31)]  # no assessment: due 15 and 1 days ago
    stale(3, "high")  # attended lately: not due
    today = timezone.localdate()
    items = follow_ups_due(psychology_coordinator, scope=pending.AREA, today=today, limit=3)
    assert items.total == 5
    # Due 15 days ago (low, 45 days), 13 (high, 20 days), 5 (high, 12 days).
    assert [i.folio for i in items] == [low[0].folio, high[1].folio, high[2].folio]
    everything = follow_ups_due(psychology_coordinator, scope=pending.AREA, today=today)
    assert list(items) == sorted(everything, key=pending.PendingItem.sort_key)[:3]
    assert everything.total == 5 and low[1].folio in {i.folio for i in everything}


def test_the_follow_ups_read_no_consultation_nor_assessment(
    receptionist, psychologist, psychology_coordinator
):
    """Mis pendientes reads the kept state: no probe of each active case's consultations and assessments (a
    second per coordinator's view at a state's scale, issue 22)."""
    for days in (40, 10, 3):
        record_consultation(
            CaseFactory(opened_by=receptionist, team=(psychologist,)), psychologist, when=days_ago(days)
        )
    for user, scope in ((psychologist, pending.MINE), (psychology_coordinator, pending.AREA)):
        with CaptureQueriesContext(connection) as queries:
            assert len(follow_ups_due(user, scope=scope, today=timezone.localdate(), limit=50)) == 1
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "cases_consultation" not in sql and "violence_riskassessment" not in sql
