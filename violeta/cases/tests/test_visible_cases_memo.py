"""The rule of which cases a user may see is built once per request, not by each section of a page (issue 22);
what it answers is never stale: a change of role, area or state, a new grant, is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from violeta.accounts.models import Role
from violeta.cases import selectors
from violeta.cases.internal_protocol import internal_protocol_designate, internal_protocol_revoke
from violeta.cases.tests.factories import CaseFactory


def counting(monkeypatch):
    built = []
    original = selectors._visible_cases

    def wrapper(user, now):
        built.append(user.pk)
        return original(user, now)

    monkeypatch.setattr(selectors, "_visible_cases", wrapper)
    return built


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["cases:list", "cases:pending", "agenda:week"])
def test_a_page_builds_her_visibility_rule_once(client, monkeypatch, receptionist, psychologist, url):
    CaseFactory(opened_by=receptionist, team=(psychologist,))
    client.force_login(psychologist)
    client.get(reverse(url))  # the menu's cached counts filled
    built = counting(monkeypatch)
    assert client.get(reverse(url)).status_code == 200
    assert built == [psychologist.pk]


@pytest.mark.django_db
def test_the_rule_follows_her_role_and_state_on_the_same_object(receptionist, psychologist):
    case = CaseFactory(opened_by=receptionist, team=(receptionist,))
    assert not selectors.visible_cases(psychologist).filter(pk=case.pk).exists()
    psychologist.role = Role.DIRECTOR
    assert selectors.visible_cases(psychologist).filter(pk=case.pk).exists()
    psychologist.role, psychologist.is_active = Role.PSYCHOLOGY, False
    assert not selectors.visible_cases(psychologist).exists()


@pytest.mark.django_db
def test_a_team_change_is_seen_by_the_rule_already_built(receptionist, psychologist):
    from violeta.cases.models import CaseTeamMember

    case = CaseFactory(opened_by=receptionist, team=(receptionist,))
    assert list(selectors.visible_cases(psychologist)) == []
    CaseTeamMember.objects.create(
        case=case, user=psychologist, area_id=psychologist.area_id, added_by=receptionist
    )
    assert list(selectors.visible_cases(psychologist)) == [case]


@pytest.mark.django_db
def test_a_grant_or_designation_made_since_is_seen_by_the_same_user_object(receptionist, lawyer, director):
    """The rule asks once whether she has a break-glass grant or a protocol designation and leaves out the
    clauses she lacks; one made afterwards, in this process, is seen at once all the same."""
    from violeta.cases.models import Case, CaseAccessGrant
    from violeta.cases.services import case_break_glass

    case = CaseFactory(opened_by=receptionist, team=(receptionist,))
    protocol = CaseFactory(opened_by=receptionist, team=(receptionist,))
    Case.objects.filter(pk=protocol.pk).update(is_internal_protocol=True)
    assert list(selectors.visible_cases(lawyer)) == []
    grant = case_break_glass(case=case, by=lawyer, reason="Riesgo inminente: llamó la policía")
    assert list(selectors.visible_cases(lawyer)) == [case]
    internal_protocol_designate(user=lawyer, by=director)
    assert set(selectors.visible_cases(lawyer)) == {case, protocol}
    CaseAccessGrant.objects.get(pk=grant.pk).delete()
    internal_protocol_revoke(user=lawyer, by=director)
    assert list(selectors.visible_cases(lawyer)) == []


@pytest.mark.django_db
def test_staff_without_exceptions_get_a_rule_without_their_clauses(receptionist, psychologist):
    """Most staff have no grant and no designation: the rule that every page's queries carry has neither
    clause (no subquery of grants, no designation InitPlan), and still hides internal-protocol cases."""
    from violeta.cases.models import Case

    mine = CaseFactory(opened_by=receptionist, team=(psychologist,))
    protocol = CaseFactory(opened_by=receptionist, team=(psychologist,))
    Case.objects.filter(pk=protocol.pk).update(is_internal_protocol=True)
    sql = str(selectors.visible_cases(psychologist).query).lower()
    assert "caseaccessgrant" not in sql
    assert "internalprotocoldesignation" not in sql
    assert list(selectors.visible_cases(psychologist)) == [mine]


BANNER = "Está viendo este expediente con acceso de emergencia"


@pytest.mark.django_db
def test_her_case_page_asks_about_grants_only_once_when_she_holds_none(client, receptionist, lawyer):
    """The rule built for the request already asked whether she holds any grant in force: the page's "emergency
    access" banner asks nothing more of someone who holds none (issue 22: one query less on every case page)."""
    case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    client.force_login(lawyer)
    with CaptureQueriesContext(connection) as sent:
        page = client.get(reverse("cases:detail", args=[case.folio]))
    assert page.status_code == 200
    assert (
        "emergency access" not in page.content.decode()
        and "acceso de emergencia" not in page.content.decode()
    )
    assert len([q for q in sent.captured_queries if "cases_caseaccessgrant" in q["sql"]]) == 1


@pytest.mark.django_db
def test_a_grant_in_force_still_shows_the_banner_and_a_grant_on_another_case_does_not(
    client, receptionist, lawyer
):
    from violeta.cases.services import case_break_glass

    case = CaseFactory(opened_by=receptionist, team=(receptionist,))
    other = CaseFactory(opened_by=receptionist, team=(receptionist, lawyer))
    case_break_glass(case=case, by=lawyer, reason="Riesgo inminente: llamó la policía")
    client.force_login(lawyer)
    assert "acceso de emergencia" in client.get(reverse("cases:detail", args=[case.folio])).content.decode()
    assert (
        "acceso de emergencia" not in client.get(reverse("cases:detail", args=[other.folio])).content.decode()
    )
    assert selectors.is_break_glass(lawyer, case) and not selectors.is_break_glass(lawyer, other)
