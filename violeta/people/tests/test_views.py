"""The person search page: what staff type (a name, a CURP, a phone) travels in the request body, never in a URL."""

import pytest
from django.urls import reverse

from violeta.cases.tests.factories import CaseFactory
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def her(lawyer):
    person = PersonFactory(given_names="Maricela", first_surname="Quiñónez", second_surname="Arras")
    CaseFactory(opened_by=lawyer, holder=person)
    return person


def test_search_is_posted_and_finds_her(client, lawyer, her):
    client.force_login(lawyer)
    page = client.get(reverse("people:search")).content.decode()
    assert 'method="post"' in page and "hx-push-url" not in page and "csrfmiddlewaretoken" in page
    response = client.post(reverse("people:search"), {"q": "maricela quinonez"})
    assert response.status_code == 200
    assert reverse("people:detail", args=[her.pk]) in response.content.decode()


def test_a_name_in_the_query_string_is_not_searched(client, lawyer, her):
    client.force_login(lawyer)
    response = client.get(reverse("people:search") + "?q=maricela")
    assert response.status_code == 200
    assert reverse("people:detail", args=[her.pk]) not in response.content.decode()


def test_htmx_search_answers_with_the_results_only(client, lawyer, her):
    client.force_login(lawyer)
    response = client.post(reverse("people:search"), {"q": "Maricela Quiñónez"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert reverse("people:detail", args=[her.pk]) in body and "<html" not in body


def test_her_page_lists_only_the_case_files_the_viewer_may_see(client, lawyer, outsider, her):
    from violeta.cases.services import case_close

    mine = her.case_parties.get().case
    case_close(case=mine, by=lawyer, reason="concluded")
    theirs = CaseFactory(opened_by=outsider, holder=her)
    client.force_login(lawyer)
    body = client.get(reverse("people:detail", args=[her.pk])).content.decode()
    assert mine.folio in body and theirs.folio not in body
    client.force_login(outsider)
    body = client.get(reverse("people:detail", args=[her.pk])).content.decode()
    assert theirs.folio in body and mine.folio not in body
