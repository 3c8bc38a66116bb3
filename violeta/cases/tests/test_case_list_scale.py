"""The case lists at a state's scale (issue 22): keyset pages in the old order, nothing counted or aggregated
over every case, a fixed number of queries, and the same cases seen as before the visibility rule was reshaped."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.core import signing
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from violeta.accounts.models import Role
from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case, CaseAccessGrant, CaseTeamMember, InternalProtocolDesignation
from violeta.cases.selectors import case_list_page, visible_among_her_team_cases, visible_cases
from violeta.cases.services import case_break_glass, case_close
from violeta.cases.tests.factories import CaseFactory, record_consultation

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'<a class="page-link" rel="next" href="([^"]+)"')
PREVIOUS = re.compile(r'<a class="page-link" rel="prev" href="([^"]+)"')


def old_visible_cases(user):
    """``visible_cases`` as it was before issue 22 (an OR of EXISTS): what the reshaped rule must equal."""
    if user.role == Role.DIRECTOR:
        return Case.objects.all()
    rule = Q(Exists(CaseTeamMember.objects.filter(case=OuterRef("pk"), user=user)))
    if user.role == Role.COORDINATOR and user.area_id:
        rule |= Q(Exists(CaseTeamMember.objects.filter(case=OuterRef("pk"), area_id=user.area_id)))
    rule |= Q(
        Exists(CaseAccessGrant.objects.filter(case=OuterRef("pk"), user=user, expires_at__gt=timezone.now()))
    )
    designated = Q(Exists(InternalProtocolDesignation.objects.filter(user_id=user.pk)))
    rule |= Q(is_internal_protocol=True) & designated
    return Case.objects.filter(rule, holder__blocked_at__isnull=True).filter(
        Q(is_internal_protocol=False) | designated
    )


def old_order(cases):
    return sorted(cases, key=lambda c: (c.is_priority, c.opened_at, c.pk), reverse=True)


def cases_with_ties(lawyer, n):
    """``n`` cases of the lawyer: some priority, several opened at the same instant (the id breaks the tie)."""
    same = timezone.now() - datetime.timedelta(days=3)
    cases = [CaseFactory(opened_by=lawyer) for _ in range(n)]
    for i, case in enumerate(cases):
        case.opened_at = same if i % 3 == 0 else same - datetime.timedelta(hours=i)
        case.is_priority = i % 4 == 1
        case.save(update_fields=["opened_at", "is_priority"])
    return cases


def test_walking_the_cursor_gives_every_case_once_in_the_old_order_both_ways(lawyer):
    cases = cases_with_ties(lawyer, 11)
    pages, cursor = [], None
    while True:
        page = case_list_page(lawyer, scope="mine", status="", cursor=cursor, per_page=3)
        pages.append(list(page.object_list))
        assert page.has_previous == (len(pages) > 1)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert [c for rows in pages for c in rows] == old_order(cases)
    assert [len(rows) for rows in pages] == [3, 3, 3, 2]
    # And back, by "anterior" from the last page: the same pages, the first one knows it is the first.
    back = []
    while page.has_previous:
        page = case_list_page(lawyer, scope="mine", status="", cursor=page.previous_cursor, per_page=3)
        back.append(list(page.object_list))
    assert back == pages[-2::-1]
    assert page.has_next and not page.has_previous


def test_a_page_counts_consultations_of_its_cases_and_audits_them(lawyer):
    first, second = CaseFactory(opened_by=lawyer), CaseFactory(opened_by=lawyer)
    for _ in range(3):
        record_consultation(first, lawyer)
    page = case_list_page(lawyer, scope="mine", status="active")
    assert {c.pk: c.n_consultations for c in page.object_list} == {first.pk: 3, second.pk: 0}
    events = AuditEvent.objects.filter(actor=lawyer, action=Action.VIEW, detail="listado")
    assert sorted(events.values_list("case_id", flat=True)) == sorted([first.pk, second.pk])


def test_a_forged_or_foreign_cursor_gives_the_first_page(lawyer):
    cases = cases_with_ties(lawyer, 4)
    first = list(case_list_page(lawyer, per_page=2, status="").object_list)
    assert first == old_order(cases)[:2]
    for cursor in ("x", "WyJuIiwxXQ:1abc:def", reverse("cases:list")):
        assert list(case_list_page(lawyer, cursor=cursor, per_page=2, status="").object_list) == first


def test_the_list_links_pages_by_an_opaque_cursor_and_counts_nothing(client, coordinator, lawyer):
    cases = [CaseFactory(opened_by=lawyer) for _ in range(30)]
    client.force_login(coordinator)
    url = reverse("cases:list") + "?scope=all&status=active"
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    html = response.content.decode()
    href = unescape(NEXT.search(html).group(1))
    assert "cursor=" in href and "page=" not in href and "scope=all" in href
    # What the cursor carries: where the page ends in the list's order (priority, opened, id), nothing of her.
    from violeta.cases import keyset

    last = response.context["page"].object_list[-1]
    carried = signing.loads(parse_qs(href[1:])["cursor"][0], salt=keyset.SALT)
    assert carried == ["n", last.is_priority, last.opened_at.isoformat(), last.pk]
    assert not PREVIOUS.search(html)
    # Nothing is counted or grouped over every case she may see: a page reads its 25 rows (and 1 more).
    statements = [q["sql"].upper() for q in first.captured_queries]
    assert not any("COUNT(" in sql and "CASES_CASE" in sql.split("FROM", 1)[1][:40] for sql in statements)
    assert not any(
        "GROUP BY" in sql and '"CASES_CASE"."ID"' in sql.split("GROUP BY")[1] for sql in statements
    )
    second = client.get(reverse("cases:list") + href).content.decode()
    shown = set(re.findall(r"IMM-\d{4}-\d+", html)) | set(re.findall(r"IMM-\d{4}-\d+", second))
    assert shown == {case.folio for case in cases}
    assert PREVIOUS.search(second) and not NEXT.search(second)


@pytest.mark.parametrize("scope", ["mine", "all"])
def test_the_list_runs_the_same_queries_for_5_and_50_cases_and_on_page_2(
    client, django_assert_max_num_queries, coordinator, lawyer, scope
):
    user = lawyer if scope == "mine" else coordinator
    client.force_login(user)
    url = reverse("cases:list") + f"?scope={scope}&status=active"
    for _ in range(5):
        record_consultation(CaseFactory(opened_by=lawyer), lawyer)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for _ in range(45):
        record_consultation(CaseFactory(opened_by=lawyer), lawyer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    href = unescape(NEXT.search(response.content.decode()).group(1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cases:list") + href).status_code == 200


def test_everyone_sees_exactly_the_cases_the_old_rule_showed(
    lawyer, psychologist, social_worker, coordinator, psychology_coordinator, receptionist, director, outsider
):
    """A mixed institute: teams of each area, a break glass (live and expired), an internal-protocol case and
    a designated coordinator, a blocked holder, a closed case."""
    legal = CaseFactory(opened_by=receptionist, team=(lawyer,))
    psych = CaseFactory(opened_by=receptionist, team=(psychologist,))
    both = CaseFactory(opened_by=receptionist, team=(lawyer, social_worker))
    CaseFactory(opened_by=receptionist, team=(social_worker,))
    closed = CaseFactory(opened_by=receptionist, team=(psychologist,))
    case_close(case=closed, by=psychologist, reason="concluded")
    colleague = CaseFactory(opened_by=outsider)  # another lawyer's
    case_break_glass(case=psych, by=lawyer, reason="Riesgo inminente: llamó la policía")
    expired = case_break_glass(case=legal, by=social_worker, reason="Riesgo inminente: llamó la policía")
    CaseAccessGrant.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(hours=1)
    )
    protocol = CaseFactory(opened_by=receptionist, team=(lawyer,))
    Case.objects.filter(pk=protocol.pk).update(is_internal_protocol=True)
    InternalProtocolDesignation.objects.create(user=psychology_coordinator, designated_by=director)
    blocked = CaseFactory(opened_by=receptionist, team=(psychologist, lawyer))
    blocked.holder.blocked_at = timezone.now()
    blocked.holder.save(update_fields=["blocked_at"])
    users = (lawyer, psychologist, social_worker, coordinator, psychology_coordinator, receptionist, director)
    for user in users:
        assert set(visible_cases(user)) == set(old_visible_cases(user)), user.email
    assert set(visible_cases(coordinator)) == {legal, both, colleague}
    assert protocol in set(visible_cases(psychology_coordinator)) and blocked not in set(
        visible_cases(lawyer)
    )


def test_the_rule_among_her_team_cases_is_the_rule(
    lawyer, psychologist, social_worker, coordinator, psychology_coordinator, receptionist, director, outsider
):
    """``visible_among_her_team_cases`` leaves out the team probe for the cases of her own team rows: for
    each of them it answers as the whole rule does. An internal-protocol case on her team stays hidden unless
    she is designated; a blocked holder's case stays the director's only."""
    CaseFactory(opened_by=receptionist, team=(lawyer,))
    CaseFactory(opened_by=receptionist, team=(lawyer, social_worker, psychologist))
    protocol = CaseFactory(opened_by=receptionist, team=(lawyer, psychologist))
    Case.objects.filter(pk=protocol.pk).update(is_internal_protocol=True)
    InternalProtocolDesignation.objects.create(user=psychologist, designated_by=director)
    blocked = CaseFactory(opened_by=receptionist, team=(psychologist, lawyer, social_worker))
    blocked.holder.blocked_at = timezone.now()
    blocked.holder.save(update_fields=["blocked_at"])
    closed = CaseFactory(opened_by=receptionist, team=(social_worker,))
    case_close(case=closed, by=social_worker, reason="concluded")
    CaseFactory(opened_by=outsider)
    inactive = CaseFactory(opened_by=receptionist, team=(coordinator,)).team_members.get(user=coordinator)
    users = (lawyer, psychologist, social_worker, coordinator, psychology_coordinator, receptionist, outsider)
    for user in users:
        hers = list(CaseTeamMember.objects.filter(user_id=user.pk).values_list("case_id", flat=True))
        among = set(visible_among_her_team_cases(user, hers))
        assert among == set(visible_cases(user).filter(pk__in=hers)), user.email
    lawyers = list(CaseTeamMember.objects.filter(user_id=lawyer.pk).values_list("case_id", flat=True))
    assert protocol.pk in lawyers and blocked.pk in lawyers
    assert not {protocol, blocked} & set(visible_among_her_team_cases(lawyer, lawyers))
    psychologists = list(
        CaseTeamMember.objects.filter(user_id=psychologist.pk).values_list("case_id", flat=True)
    )
    assert protocol in set(visible_among_her_team_cases(psychologist, psychologists))
    assert blocked not in set(visible_among_her_team_cases(psychologist, psychologists))
    assert set(visible_among_her_team_cases(director, [blocked.pk, protocol.pk])) == {blocked, protocol}
    coordinator.is_active = False
    assert not visible_among_her_team_cases(coordinator, [inactive.case_id]).exists()
