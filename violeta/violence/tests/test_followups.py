"""Follow-ups in "Mis pendientes": an active case with no consultation in N days, N by risk level (data the
director edits), for her team and her area's coordination; never for a case they cannot see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.cases import pending
from violeta.cases.models import Case, InternalProtocolDesignation
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.violence.followups import follow_ups_due, rule_days, rules_update
from violeta.violence.models import FollowUpRule, RiskAssessment
from violeta.violence.tests.factories import epv_r


def case_without_contact(opener, team, *, days, level=None, priority=False, by=None):
    """An open case whose last consultation was ``days`` ago, with a last assessment at ``level``."""
    case = CaseFactory(opened_by=opener, team=team)
    record_consultation(case, by or team[0], when=timezone.now() - timedelta(days=days))
    if priority:
        case.is_priority = True
        case.save(update_fields=["is_priority"])
    if level:
        RiskAssessment.objects.create(
            case=case,
            instrument=epv_r(),
            score=30 if level == "high" else 2,
            max_possible=48,
            computed_level=level,
            final_level=level,
            is_alarm=level == "high",
            assessed_by=by or team[0],
            assessed_at=timezone.now() - timedelta(days=days + 1),
        )
    return case


def folios(user, scope=pending.MINE):
    return {item.folio for item in follow_ups_due(user, scope=scope, today=timezone.localdate())}


@pytest.mark.django_db
def test_the_rules_are_seeded_with_the_defaults():
    assert rule_days() == {"high": 7, "moderate": 15, "low": 30, "none": 30}
    assert FollowUpRule.objects.count() == 4


@pytest.mark.django_db
def test_a_high_risk_case_without_contact_for_8_days_is_due_a_low_one_is_not(receptionist, psychologist):
    high = case_without_contact(receptionist, (psychologist,), days=8, level="high")
    low = case_without_contact(receptionist, (psychologist,), days=8, level="low")
    items = {i.folio: i for i in follow_ups_due(psychologist, scope=pending.MINE, today=timezone.localdate())}
    assert high.folio in items and low.folio not in items
    item = items[high.folio]
    assert item.is_overdue() and item.weight == 0 and item.person_id == high.holder_id
    assert "8" in item.title


@pytest.mark.django_db
def test_a_low_risk_case_is_due_after_30_days_and_a_moderate_one_after_15(receptionist, psychologist):
    low_29 = case_without_contact(receptionist, (psychologist,), days=29, level="low")
    low_31 = case_without_contact(receptionist, (psychologist,), days=31, level="low")
    moderate_16 = case_without_contact(receptionist, (psychologist,), days=16, level="moderate")
    assert folios(psychologist) == {low_31.folio, moderate_16.folio}
    assert low_29.folio not in folios(psychologist)


@pytest.mark.django_db
def test_a_priority_case_counts_as_high_risk_whatever_its_assessment(receptionist, psychologist):
    case = case_without_contact(receptionist, (psychologist,), days=8, level="low", priority=True)
    assert folios(psychologist) == {case.folio}


@pytest.mark.django_db
def test_a_case_never_assessed_nor_attended_counts_from_its_opening(receptionist, psychologist):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    case.opened_at = timezone.now() - timedelta(days=29)
    case.save(update_fields=["opened_at"])
    assert folios(psychologist) == set()
    case.opened_at = timezone.now() - timedelta(days=31)
    case.save(update_fields=["opened_at"])
    assert folios(psychologist) == {case.folio}


@pytest.mark.django_db
def test_the_rule_edited_by_the_director_changes_what_is_due(receptionist, psychologist, director):
    case = case_without_contact(receptionist, (psychologist,), days=8, level="high")
    assert folios(psychologist) == {case.folio}
    rules_update(by=director, days={"high": 10})
    assert folios(psychologist) == set()
    rules_update(by=director, days={"high": 5, "low": 7})
    low = case_without_contact(receptionist, (psychologist,), days=8, level="low")
    assert folios(psychologist) == {case.folio, low.folio}


@pytest.mark.django_db
def test_only_the_director_edits_the_rules(psychologist, coordinator):
    from django.core.exceptions import PermissionDenied

    for user in (psychologist, coordinator):
        with pytest.raises(PermissionDenied):
            rules_update(by=user, days={"high": 3})
    assert rule_days()["high"] == 7


@pytest.mark.django_db
def test_closed_cases_and_the_front_desk_get_no_follow_ups(receptionist, psychologist, director):
    from violeta.cases.services import case_close

    case = case_without_contact(receptionist, (psychologist,), days=40)
    assert folios(receptionist) == set()  # on the team, but the desk does not follow her up
    case_close(case=case, by=psychologist, reason="concluded")
    assert folios(psychologist) == set()


@pytest.mark.django_db
def test_the_area_view_of_a_coordinator_lists_her_areas_cases_with_who_attends(
    receptionist, psychologist, psychology_coordinator, coordinator, director
):
    case = case_without_contact(receptionist, (psychologist,), days=8, level="high")
    assert folios(psychology_coordinator) == set()  # not on the team: nothing of her own
    items = follow_ups_due(psychology_coordinator, scope=pending.AREA, today=timezone.localdate())
    assert [i.folio for i in items] == [case.folio]
    assert items[0].owner == psychologist.full_name
    # The legal coordination's area does not attend it; the director sees every case.
    assert folios(coordinator, pending.AREA) == set()
    assert folios(director, pending.AREA) == {case.folio}
    assert folios(director, pending.MINE) == set()


@pytest.mark.django_db
def test_an_internal_protocol_case_is_due_only_for_those_who_may_see_it(
    receptionist, psychologist, social_worker, director
):
    case = case_without_contact(receptionist, (psychologist,), days=8, level="high")
    Case.objects.filter(pk=case.pk).update(is_internal_protocol=True)
    assert folios(psychologist) == set()  # on the team, but not designated for the protocol
    InternalProtocolDesignation.objects.create(user=psychologist, designated_by=director)
    assert folios(psychologist) == {case.folio}


@pytest.mark.django_db
def test_the_rules_page_is_the_directors(client, director, psychologist):
    url = reverse("violence:followup_rules")
    client.force_login(psychologist)
    assert client.get(url).status_code == 404
    client.force_login(director)
    page = client.get(url)
    assert page.status_code == 200 and "Riesgo alto" in page.content.decode()
    response = client.post(url, {"high": "5", "moderate": "15", "low": "30", "none": "45"})
    assert response.status_code == 302
    assert rule_days() == {"high": 5, "moderate": 15, "low": 30, "none": 45}
    bad = client.post(url, {"high": "0", "moderate": "15", "low": "30", "none": "45"})
    assert bad.status_code == 200 and rule_days()["high"] == 5


@pytest.mark.django_db
def test_the_follow_up_days_are_read_once_per_process_and_a_change_here_is_seen_at_once(
    director, django_assert_num_queries
):
    """Every professional's "Mis pendientes" asks for the days by level: one query per process a minute, not
    one per page. The director's change is seen at once in the process that saved it."""
    with django_assert_num_queries(1):
        assert rule_days()["high"] == 7
    with django_assert_num_queries(0):
        assert rule_days()["high"] == 7
    rules_update(by=director, days={"high": 3, "moderate": 15, "low": 30, "none": 30})
    assert rule_days()["high"] == 3
    FollowUpRule.objects.filter(level="high").delete()
    assert rule_days()["high"] == 7  # back to the default


@pytest.mark.django_db
def test_the_follow_up_days_read_are_the_callers_own_copy():
    days = rule_days()
    days["high"] = 99
    assert rule_days()["high"] == 7
