"""Flags beside her name (people.flags): what each source says, only from cases the user may see, and on every
page that shows her name to staff."""

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.agenda.tests.factories import book, log_call, next_workday
from violeta.cases.models import Case, CaseParty, InternalProtocolDesignation, Relation
from violeta.cases.tests.factories import CaseFactory
from violeta.people import flags
from violeta.people.models import Person, SafeContactPreference
from violeta.people.tests.factories import PersonFactory
from violeta.violence.tests.factories import granted_order


@pytest.fixture
def her(receptionist, lawyer, psychologist):
    """Her case: priority, safe contact "no call", a protection order in force, a daughter in the case."""
    person = PersonFactory(safe_contact={"may_call": False, "may_leave_message": False, "may_sms": False})
    case = CaseFactory(holder=person, opened_by=receptionist, team=(lawyer, psychologist))
    Case.objects.filter(pk=case.pk).update(is_priority=True)
    daughter = PersonFactory()
    CaseParty.objects.create(case=case, person=daughter, relation=Relation.DAUGHTER)
    granted_order(case, lawyer)
    case.refresh_from_db()
    return case


def codes(user, person):
    return [f.code for f in flags.flags_for(user, [person])[person.pk]]


@pytest.mark.django_db
def test_every_source_flags_her_for_her_team(her, lawyer):
    assert set(codes(lawyer, her.holder)) == {
        "high_risk",
        "no_call",
        "children",
        "no_sms",
        "protection_order",
    }
    ordered = flags.flags_for(lawyer, [her.holder])[her.holder.pk]
    assert [f.level for f in ordered] == sorted((f.level for f in ordered), key=flags._LEVEL_ORDER.get)


@pytest.mark.django_db
def test_a_safe_contact_that_allows_calls_but_no_messages(lawyer, receptionist):
    person = PersonFactory(safe_contact={"may_call": True, "may_leave_message": False, "may_sms": True})
    CaseFactory(holder=person, opened_by=receptionist, team=(lawyer,))
    assert codes(lawyer, person) == ["no_message"]


@pytest.mark.django_db
def test_nobody_gets_flags_of_a_case_she_cannot_see(her, outsider, social_worker):
    for user in (outsider, social_worker):
        assert codes(user, her.holder) == []


@pytest.mark.django_db
def test_the_internal_protocol_flag_only_for_those_who_see_the_case(her, lawyer, director):
    Case.objects.filter(pk=her.pk).update(is_internal_protocol=True)
    assert codes(lawyer, her.holder) == []  # on the team, not designated: nothing, not even "no call"
    assert "internal_protocol" in codes(director, her.holder)
    InternalProtocolDesignation.objects.create(user=lawyer, designated_by=director)
    assert "internal_protocol" in codes(lawyer, her.holder)


@pytest.mark.django_db
def test_flags_cost_the_same_queries_for_500_people_as_for_one(django_assert_max_num_queries, her, lawyer):
    ids = [her.holder.pk, *range(10_000_000, 10_000_500)]
    with django_assert_max_num_queries(8):
        result = flags.flags_for(lawyer, ids)
    assert "high_risk" in [f.code for f in result[her.holder.pk]]


# --- On the pages -------------------------------------------------------------------------------------------


def flag_on(response, code="high_risk"):
    assert response.status_code == 200
    return f'data-flag="{code}"' in response.content.decode()


@pytest.mark.django_db
def test_flags_on_the_case_page_and_the_case_list(client, her, lawyer):
    client.force_login(lawyer)
    assert flag_on(client.get(reverse("cases:detail", args=[her.folio])))
    assert flag_on(client.get(reverse("cases:list")))


@pytest.mark.django_db
def test_flags_on_her_person_page_and_in_the_search(client, her, lawyer):
    client.force_login(lawyer)
    assert flag_on(client.get(reverse("people:detail", args=[her.holder.pk])))
    assert flag_on(client.post(reverse("people:search"), {"q": her.holder.full_name}))


@pytest.mark.django_db
def test_flags_on_the_agendas_appointment_lines(client, her, lawyer, receptionist):
    day = next_workday()
    book(by=receptionist, staff=lawyer, case=her, person=her.holder, day=day)
    client.force_login(lawyer)
    assert flag_on(client.get(reverse("agenda:day"), {"day": day.isoformat()}))
    assert flag_on(client.get(reverse("agenda:week"), {"day": day.isoformat()}))


@pytest.mark.django_db
def test_flags_in_the_call_log_beside_her_case(client, her, coordinator, receptionist):
    from violeta.agenda.services import phone_call_link_case

    call = log_call(by=receptionist, caller_name="Lucía")
    phone_call_link_case(call=call, case=her, by=receptionist)
    client.force_login(coordinator)
    assert flag_on(client.get(reverse("agenda:calls")))


@pytest.mark.django_db
def test_flags_in_my_pending_work(client, her, lawyer):
    from violeta.cases.tests.factories import record_consultation

    record_consultation(her, lawyer, when=timezone.now() - timezone.timedelta(days=8))
    client.force_login(lawyer)
    response = client.get(reverse("cases:pending"))
    assert her.folio in response.content.decode()
    assert flag_on(response)


@pytest.mark.django_db
def test_every_flag_of_the_holders_of_her_cases_is_one_query(
    django_assert_num_queries, her, lawyer, receptionist
):
    """Her safe contact is read in the same query as every fact about her cases (the case's own and violence's):
    each query of a source cost a page 3-5 ms of ORM work at a state's scale (issue 22). The people of a list
    of cases are their holders."""
    other = PersonFactory(safe_contact={"may_call": True, "may_leave_message": False, "may_sms": True})
    CaseFactory(holder=other, opened_by=receptionist, team=(lawyer,))
    people = [her.holder, other]
    flags.flags_for(lawyer, people)  # the user's case rule is built once per request (its exceptions asked)
    with django_assert_num_queries(1):
        found = flags.flags_for(lawyer, people)
    assert {f.code for f in found[her.holder.pk]} == {
        "high_risk",
        "no_call",
        "children",
        "no_sms",
        "protection_order",
    }
    assert [f.code for f in found[other.pk]] == ["no_message"]


@pytest.mark.django_db
def test_anyone_else_she_may_see_is_asked_about_in_one_more_query(django_assert_num_queries, her, lawyer):
    """A daughter in her case is no holder: her own safe contact is asked of her alone, through the people rule."""
    daughter = her.parties.get(relation=Relation.DAUGHTER).person
    SafeContactPreference.objects.filter(person=daughter).update(may_call=False, may_sms=True)
    people = [her.holder, daughter, *PersonFactory.create_batch(3)]
    flags.flags_for(lawyer, people)
    with django_assert_num_queries(2):
        found = flags.flags_for(lawyer, people)
    assert [f.code for f in found[daughter.pk]] == ["no_call"]
    assert "no_call" in {f.code for f in found[her.holder.pk]}


@pytest.mark.django_db
def test_safe_contact_flags_only_for_those_who_see_her(her, lawyer, outsider, director):
    """Blocked (ARCO cancellation): her team no longer sees her, nor her safe contact; the director still does.
    A holder with no preferences recorded has no safe-contact flag."""
    daughter = her.parties.get(relation=Relation.DAUGHTER).person
    SafeContactPreference.objects.filter(person=daughter).update(may_call=False)
    assert codes(outsider, daughter) == []
    Person.objects.filter(pk=her.holder.pk).update(blocked_at=timezone.now())
    assert codes(lawyer, her.holder) == []
    assert {"no_call", "no_sms"} <= set(codes(director, her.holder))
    SafeContactPreference.objects.filter(person=her.holder).delete()
    assert not {"no_call", "no_sms", "no_message"} & set(codes(director, her.holder))
