"""The intake's duplicate check is not a window on the registry (issue 12, hole 5).

Any intake role may type a name, a phone or a CURP and see who is already registered: that is how she avoids
telling her story twice. What the desk is shown is only what tells two women apart (name, age, colonia; the
last digits of the phone only when the phone itself matched), every lookup is audited with the people shown,
and a new case opened on a woman who was attended before by another team is flagged for the director.
"""

import datetime

import pytest
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case
from violeta.cases.services import case_close
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_views import intake_data
from violeta.notifications.models import Notification
from violeta.people.models import Neighborhood
from violeta.people.tests.factories import PersonFactory, curp_for

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1985, 6, 15)
SECRET_STREET = "Calle Nogal Escondido 4417"


@pytest.fixture
def registered(lawyer):
    """A woman attended by the lawyer's team; the receptionist under test is not on it."""
    hood = Neighborhood.objects.order_by("name").first()
    person = PersonFactory(
        given_names="Yesenia",
        first_surname="Baeza",
        second_surname="Olivas",
        birth_date=BIRTH,
        phone="614 490 0789",
        phone_alt="614 555 0142",
        curp=curp_for(
            given_names="Yesenia", first_surname="Baeza", second_surname="Olivas", birth_date=BIRTH
        ),
        address=SECRET_STREET,
        neighborhood=hood,
        email="yesenia.baeza@correo.test",
    )
    CaseFactory(opened_by=lawyer, holder=person)
    return person


def lookup(client, **typed):
    data = {"p-gender": "woman", **{f"p-{k}": v for k, v in typed.items()}}
    return client.post(reverse("cases:intake_duplicates"), data, HTTP_HX_REQUEST="true")


def assert_nothing_beyond_what_tells_them_apart(body, person, *, phone_matched=False):
    assert person.full_name in body
    assert "15/06/1985" not in body and "1985-06-15" not in body  # the age, never the birth date
    assert person.curp not in body
    assert SECRET_STREET not in body
    assert person.email not in body
    assert "0142" not in body  # her other phone never
    assert ("0789" in body) is phone_matched
    assert f"{person.age()} años" in body
    assert person.neighborhood.name in body


def test_a_name_lookup_shows_name_age_and_colonia_only(client, receptionist, registered):
    client.force_login(receptionist)
    response = lookup(client, given_names="Yesenia", first_surname="Baeza", second_surname="Olivas")
    assert response.status_code == 200
    assert_nothing_beyond_what_tells_them_apart(response.content.decode(), registered)


def test_a_curp_lookup_does_not_show_the_phone(client, receptionist, registered):
    client.force_login(receptionist)
    response = lookup(client, given_names="Otra", first_surname="Persona", curp=registered.curp)
    assert_nothing_beyond_what_tells_them_apart(response.content.decode(), registered)


def test_a_phone_lookup_shows_the_last_digits_of_that_phone(client, receptionist, registered):
    client.force_login(receptionist)
    response = lookup(client, given_names="Otra", first_surname="Persona", phone="614 490 0789")
    assert_nothing_beyond_what_tells_them_apart(response.content.decode(), registered, phone_matched=True)


def test_the_full_intake_page_shows_the_same_little(client, receptionist, registered):
    client.force_login(receptionist)
    data = intake_data(
        **{
            "p-given_names": "Yesenia",
            "p-first_surname": "Baeza",
            "p-second_surname": "Olivas",
            "p-phone": "",
        }
    )
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 200
    assert Case.objects.count() == 1  # nothing opened until she chooses
    # the candidates' box (the form's own help text gives the institute's line, 614 490 0789, as an example)
    box = response.content.decode().split('id="candidates"')[1].split("<fieldset")[0]
    assert_nothing_beyond_what_tells_them_apart(box, registered)
    assert "person" not in response.context["candidates"][0].__dict__  # the template never gets the record


def test_every_lookup_is_audited_with_the_people_shown_and_without_the_terms(
    client, receptionist, registered
):
    other = PersonFactory(given_names="Yesenia", first_surname="Baeza", second_surname="Ortega")
    client.force_login(receptionist)
    lookup(client, given_names="Yesenia", first_surname="Baeza", curp=registered.curp)
    lookups = AuditEvent.objects.filter(actor=receptionist, action=Action.LOOKUP)
    shown = lookups.filter(object_type="people.person")
    assert set(shown.values_list("object_id", flat=True)) == {str(registered.pk), str(other.pk)}
    search = lookups.exclude(object_type="people.person")
    assert search.count() == 1
    detail = search.get().detail.lower()
    for term in ("yesenia", "baeza", registered.curp.lower()):
        assert term not in detail
    assert "2" in detail  # how many were shown
    assert not AuditEvent.objects.filter(actor=receptionist, action=Action.VIEW).exists()


def test_a_lookup_that_finds_nobody_is_audited_too(client, receptionist, registered):
    client.force_login(receptionist)
    lookup(client, given_names="Zenaida", first_surname="Quintanilla")
    search = AuditEvent.objects.get(actor=receptionist, action=Action.LOOKUP)
    assert search.object_type != "people.person" and "0" in search.detail


def _choose_her(client, person):
    data = intake_data(
        **{
            "p-given_names": person.given_names,
            "p-first_surname": person.first_surname,
            "p-second_surname": person.second_surname,
            "p-phone": "",
            "c-existing_person": person.pk,
        }
    )
    return client.post(reverse("cases:intake"), data)


def test_a_new_case_on_a_woman_attended_by_another_team_is_flagged_for_the_director(
    client, receptionist, lawyer, director, registered
):
    case_close(case=registered.held_cases.get(), by=lawyer, reason="concluded")
    client.force_login(receptionist)
    response = _choose_her(client, registered)
    assert response.status_code == 302
    new_case = Case.objects.exclude(status="closed").get()
    assert new_case.holder == registered
    opened = AuditEvent.objects.get(
        action=Action.CREATE, object_type="cases.case", object_id=str(new_case.pk)
    )
    assert opened.flagged is True
    notice = Notification.objects.get(recipient=director)
    assert new_case.folio in notice.message
    for private in (registered.given_names, registered.first_surname, receptionist.full_name):
        assert private not in notice.message
    assert notice.url == reverse("audit:flagged")
    assert not Notification.objects.exclude(recipient=director).exists()


def test_a_new_case_opened_by_her_previous_team_is_not_flagged(client, lawyer, director, registered):
    case_close(case=registered.held_cases.get(), by=lawyer, reason="concluded")
    client.force_login(lawyer)
    assert _choose_her(client, registered).status_code == 302
    new_case = Case.objects.exclude(status="closed").get()
    opened = AuditEvent.objects.get(
        action=Action.CREATE, object_type="cases.case", object_id=str(new_case.pk)
    )
    assert opened.flagged is False
    assert not Notification.objects.filter(recipient=director).exists()


def test_a_first_case_for_a_new_person_is_not_flagged(client, receptionist, director):
    client.force_login(receptionist)
    assert client.post(reverse("cases:intake"), intake_data()).status_code == 302
    assert not AuditEvent.objects.filter(flagged=True).exists()
    assert not Notification.objects.filter(recipient=director).exists()


def test_a_child_of_another_teams_case_is_flagged_when_she_opens_her_own(receptionist, lawyer, director):
    """She was a party (a daughter) in her mother's case; years later reception opens a case for her."""
    from violeta.cases.services import case_open, case_party_add

    mother_case = CaseFactory(opened_by=lawyer)
    daughter = PersonFactory(given_names="Itzel", first_surname="Baeza")
    case_party_add(case=mother_case, by=lawyer, relation="daughter", person=daughter)
    case = case_open(holder=daughter, by=receptionist, arrival_channel="own", reason="Orientación.")
    assert AuditEvent.objects.get(
        action=Action.CREATE, object_type="cases.case", object_id=str(case.pk)
    ).flagged
    assert Notification.objects.filter(recipient=director).count() == 1


def test_choosing_someone_who_is_not_among_the_candidates_is_refused(client, receptionist, lawyer):
    stranger = CaseFactory(opened_by=lawyer).holder
    client.force_login(receptionist)
    response = client.post(reverse("cases:intake"), intake_data(**{"c-existing_person": stranger.pk}))
    assert response.status_code == 404
    assert Case.objects.count() == 1


def test_a_too_broad_name_at_the_desk_says_so_instead_of_showing_nobody(client, receptionist, settings):
    """Issue 15: past the candidate limit the warning must not look like "nobody with that name"."""
    for surname in ("Baeza", "Olivas", "Quintero", "Zamora"):
        PersonFactory(given_names="María", first_surname="Hernández", second_surname=surname)
    settings.PEOPLE_SEARCH_CANDIDATE_LIMIT = 3
    client.force_login(receptionist)
    body = lookup(client, given_names="María", first_surname="Hernández").content.decode()
    assert "Muchas personas tienen ese nombre" in body
    settings.PEOPLE_SEARCH_CANDIDATE_LIMIT = 2000
    body = lookup(client, given_names="María", first_surname="Hernández").content.decode()
    assert "Muchas personas tienen ese nombre" not in body
    assert "María Hernández Baeza" in body
