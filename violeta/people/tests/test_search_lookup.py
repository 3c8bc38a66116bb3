"""The person search outside the intake (``/personas/``): the same window must stay shut.

It searches only the people in the cases the user may see (by name, CURP or phone alike), and the search itself
is audited once, without what was typed, even when it finds nobody: probing leaves a trace.
"""

import pytest
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.people.selectors import person_search
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hers(lawyer):
    person = PersonFactory(
        given_names="Xóchitl", first_surname="Zamarripa", phone="614 490 0789", with_curp=True
    )
    CaseFactory(opened_by=lawyer, holder=person)
    return person


@pytest.mark.parametrize("how", ["name", "curp", "phone"])
def test_nobody_outside_her_cases_finds_her_by_any_key(outsider, receptionist, hers, how):
    query = {"name": "xochitl zamarripa", "curp": hers.curp, "phone": "614 490 0789"}[how]
    assert person_search(outsider, query) == []
    assert person_search(receptionist, query) == []


def test_the_search_page_shows_nothing_of_people_outside_her_cases(client, outsider, hers):
    client.force_login(outsider)
    body = client.post(reverse("people:search"), {"q": hers.curp}).content.decode()
    assert hers.full_name not in body and hers.curp not in body.replace(f'value="{hers.curp}"', "")


def test_every_search_is_audited_once_without_the_terms(lawyer, outsider, hers):
    person_search(lawyer, "xochitl zamarripa")
    person_search(outsider, hers.curp)
    mine = AuditEvent.objects.filter(actor=lawyer, action=Action.LOOKUP).exclude(object_type="people.person")
    theirs = AuditEvent.objects.filter(actor=outsider, action=Action.LOOKUP).exclude(
        object_type="people.person"
    )
    assert mine.count() == 1 and theirs.count() == 1
    for event in (mine.get(), theirs.get()):
        assert "xochitl" not in event.detail.lower() and hers.curp.lower() not in event.detail.lower()
    assert "1" in mine.get().detail and "0" in theirs.get().detail
    # the person shown is audited too, as before
    assert AuditEvent.objects.filter(
        actor=lawyer, object_type="people.person", object_id=str(hers.pk)
    ).exists()
