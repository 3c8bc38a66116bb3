import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.selectors import (
    CONSULTATIONS_SHOWN,
    access_case,
    can_view_case,
    case_page,
    cases_for_user,
    visible_cases,
)
from violeta.cases.services import case_break_glass, case_close
from violeta.cases.tests.factories import CaseFactory, record_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer, psychologist, receptionist):
    """A case opened by the receptionist with the lawyer and the psychologist on the team."""
    return CaseFactory(opened_by=receptionist, team=(lawyer, psychologist))


def assert_sees(user, case):
    seen = access_case(user, case.folio)
    assert seen == case
    event = AuditEvent.objects.filter(actor=user).first()
    assert event.action == Action.VIEW
    assert event.case_id == case.pk
    assert event.object_type == "cases.case"
    assert event.object_id == str(case.pk)
    assert event.flagged is False


def assert_does_not_see(user, case):
    with pytest.raises(Http404):
        access_case(user, case.folio)
    event = AuditEvent.objects.filter(actor=user).get()
    assert event.action == Action.ACCESS_DENIED
    assert event.flagged is True
    assert event.case_id == case.pk
    assert event.object_type == "cases.case"
    assert event.object_id == case.folio
    assert not can_view_case(user, case)


def test_lawyer_on_the_team_sees_the_case(lawyer, case):
    assert_sees(lawyer, case)


def test_receptionist_who_opened_it_sees_the_case(receptionist, case):
    assert_sees(receptionist, case)


def test_lawyer_not_on_the_team_gets_404_and_a_flagged_event(outsider, case):
    assert_does_not_see(outsider, case)


def test_coordinator_of_an_area_on_the_team_sees_the_case(coordinator, case):
    assert_sees(coordinator, case)


def test_coordinator_of_an_area_not_on_the_team_does_not(psychology_coordinator, lawyer, receptionist):
    legal_only = CaseFactory(opened_by=receptionist, team=(lawyer,))
    assert_does_not_see(psychology_coordinator, legal_only)


def test_director_sees_every_case_and_the_read_is_logged(director, case):
    other = CaseFactory()
    assert set(visible_cases(director)) == {case, other}
    assert_sees(director, case)


@pytest.mark.parametrize(
    "persona",
    ["sysadmin", "trainer", "dif_liaison", "merchant", "card_office", "alert_monitor", "social_worker"],
)
def test_roles_without_case_access_see_nothing(request, persona, case):
    user = request.getfixturevalue(persona)
    assert not visible_cases(user).exists()
    assert_does_not_see(user, case)


def test_inactive_staff_see_nothing(lawyer, case):
    lawyer.is_active = False
    lawyer.save(update_fields=["is_active"])
    assert not visible_cases(lawyer).exists()


def test_unknown_folio_is_404_without_a_case(lawyer):
    with pytest.raises(Http404):
        access_case(lawyer, "IMM-1999-000001")
    event = AuditEvent.objects.get(actor=lawyer)
    assert event.action == Action.ACCESS_DENIED
    assert event.case_id is None


def test_break_glass_grants_access_for_four_hours(outsider, case, monkeypatch):
    assert not can_view_case(outsider, case)
    case_break_glass(case=case, by=outsider, reason="Está en la recepción con lesiones visibles.")
    assert_sees(outsider, case)

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=3, minutes=55))
    assert can_view_case(outsider, case)
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=4, minutes=5))
    assert not can_view_case(outsider, case)
    with pytest.raises(Http404):
        access_case(outsider, case.folio)


def test_break_glass_of_one_user_grants_nothing_to_another(outsider, social_worker, case):
    case_break_glass(case=case, by=outsider, reason="Está en la recepción con lesiones visibles.")
    assert not can_view_case(social_worker, case)


# --- area notes ----------------------------------------------------------------------------------------------

NOTE = "Refiere ideación suicida pasiva; plan de seguridad acordado."


def test_area_notes_are_for_the_area_only(
    case, psychologist, lawyer, receptionist, coordinator, psychology_coordinator, director
):
    consultation = record_consultation(case, psychologist, area_note=NOTE)

    page = case_page(psychologist, case)
    assert [n.body for n in page.notes] == [NOTE]
    assert page.notes[0].consultation == consultation
    assert page.readable_area_ids == {psychologist.area_id}

    for user in (lawyer, receptionist, coordinator, director):
        page = case_page(user, case)
        assert page.notes == [], user
        # The consultation itself (its summary) is for the whole team.
        assert [c.pk for c in page.consultations] == [consultation.pk]

    # The psychology coordinator coordinates an area on the team: she sees the case and her area's notes.
    assert can_view_case(psychology_coordinator, case)
    assert [n.body for n in case_page(psychology_coordinator, case).notes] == [NOTE]


def test_case_page_contents(case, lawyer, psychologist, receptionist):
    first = record_consultation(case, lawyer, when=timezone.now() - datetime.timedelta(days=2))
    second = record_consultation(case, psychologist, when=timezone.now() - datetime.timedelta(days=1))
    page = case_page(lawyer, case)
    assert [c.pk for c in page.consultations] == [second.pk, first.pk]
    assert [p.person for p in page.parties] == [case.holder]
    assert {m.user for m in page.team} == {receptionist, lawyer, psychologist}
    assert page.events[0].consultation == second
    assert len(case_page(lawyer, case, events_limit=2).events) == 2


def page_queries(user, case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        page = case_page(user, case)
        # Touch what the template shows, so lazy loads would be counted.
        for party in page.parties:
            str(party.person)
        for member in page.team:
            str(member.user), str(member.area)
        for c in page.consultations:
            str(c.area), str(c.attended_by), c.summary
        for note in page.notes:
            str(note.author), str(note.area), note.consultation_id and note.consultation.started_at
        for event in page.events:
            str(event.actor), str(event.area)
    return len(ctx.captured_queries)


def test_case_page_query_count_does_not_grow_with_the_case(
    lawyer, psychologist, receptionist, django_assert_max_num_queries
):
    small = CaseFactory(opened_by=receptionist, team=(lawyer, psychologist))
    big = CaseFactory(opened_by=receptionist, team=(lawyer, psychologist))
    record_consultation(small, psychologist, area_note=NOTE)
    start = timezone.now() - datetime.timedelta(days=60)
    for i in range(40):
        who = psychologist if i % 2 else lawyer
        record_consultation(big, who, area_note=f"nota {i}", when=start + datetime.timedelta(days=i))

    # 5 for the page, and up to 2 for the timeline's section rules (psychology's area and team)
    for user in (psychologist, lawyer):
        with django_assert_max_num_queries(7):
            small_page = case_page(user, small)
        with django_assert_max_num_queries(7):
            big_page = case_page(user, big)
        # The latest consultations only, however many the case has; how many in all, from the same query.
        assert len(big_page.consultations) == CONSULTATIONS_SHOWN < 40
        assert big_page.consultations_total == 40
        assert big_page.consultations == sorted(
            big_page.consultations, key=lambda c: c.started_at, reverse=True
        )
        assert big_page.consultations[0].started_at == big.consultations.latest("started_at").started_at
        assert len(small_page.consultations) == small_page.consultations_total == 1
        assert page_queries(user, small) == page_queries(user, big)
    assert len(case_page(psychologist, big).notes) == 20


# --- lists ---------------------------------------------------------------------------------------------------


def test_cases_for_user_scopes(lawyer, coordinator, receptionist, outsider):
    mine = CaseFactory(opened_by=lawyer)
    colleague = CaseFactory(opened_by=outsider)
    closed = CaseFactory(opened_by=lawyer)
    case_close(case=closed, by=lawyer, reason="concluded")
    CaseFactory(opened_by=receptionist)

    assert set(cases_for_user(lawyer)) == {mine, closed}
    assert set(cases_for_user(lawyer, status="active")) == {mine}
    assert set(cases_for_user(lawyer, status="closed")) == {closed}
    assert list(cases_for_user(lawyer, scope="all", query=mine.folio[-6:])) == [mine]
    # The legal coordinator is on no team herself, but sees every case with a legal team member.
    assert set(cases_for_user(coordinator)) == set()
    assert set(cases_for_user(coordinator, scope="all")) == {mine, colleague, closed}
    from violeta.cases.selectors import case_list_page

    assert [c.n_consultations for c in case_list_page(lawyer, status="active").object_list] == [0]


def test_case_list_page_audits_the_cases_on_the_page_it_returns(lawyer):
    """The selector audits what the list shows (not the view): one VIEW line per case on the page, no more."""
    from violeta.cases.selectors import case_list_page

    cases = [CaseFactory(opened_by=lawyer) for _ in range(3)]
    page = case_list_page(lawyer, scope="mine", status="active", per_page=2)
    shown = list(page.object_list)
    assert len(shown) == 2 and set(shown) <= set(cases)
    events = AuditEvent.objects.filter(actor=lawyer, action=Action.VIEW, detail="listado")
    assert sorted(events.values_list("case_id", flat=True)) == sorted(c.pk for c in shown)
    assert case_list_page(lawyer, cursor=page.next_cursor, per_page=2).object_list[0] not in shown
    assert events.count() == 3
