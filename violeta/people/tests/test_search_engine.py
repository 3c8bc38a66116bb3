"""One engine behind the search box and the intake's duplicate warning (issue 15): what staff type finds her."""

import datetime

import pytest
from django.urls import reverse

from violeta.people.selectors import duplicate_candidates, person_search
from violeta.people.services import person_update
from violeta.people.tests.factories import PersonFactory
from violeta.people.tests.test_matching import PEOPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        " ".join(n): PersonFactory(given_names=n[0], first_surname=n[1], second_surname=n[2]) for n in PEOPLE
    }


def _born_long_before(people, by) -> None:
    """The fixture's people are born at random: two other Marías born within a year of 1990 (about one run in
    twenty) made even the search narrowed by her birth date too broad. Born long before, they leave her alone
    in the window the narrowing looks at."""
    for other in people.values():
        person_update(person=other, by=by, birth_date=datetime.date(1960, 6, 1))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (("Lupita", "Hernández", "Ruiz"), "María Guadalupe Hernández Ruiz"),
        (("Lola", "Gutiérrez", "Ochoa"), "Dolores Gutiérrez Ochoa"),
        (("Rosario", "DelaCruz", "Méndez"), "Rosario de la Cruz Méndez"),
        (("Josefina", "Flores", "Moreno"), "Josefina Flores Moreno"),
        (("Josefina", "Moreno", "Flores"), "Josefina Moreno Flores"),
        (("Ma.", "Martínez", ""), "María Martínez López"),
        (("Refugio", "Domingez", "Salas"), "Refugio Domínguez Salas"),
    ],
)
def test_the_intake_warning_and_the_search_box_agree(people, director, typed, expected):
    warned = duplicate_candidates(given_names=typed[0], first_surname=typed[1], second_surname=typed[2])
    searched = person_search(director, " ".join(typed))
    assert warned[0].person == searched[0] == people[expected]


def test_the_search_box_finds_her_by_her_nickname(people, director):
    assert person_search(director, "Chepina Flores Moreno")[0] == people["Josefina Flores Moreno"]


def test_given_name_and_first_surname_put_her_above_women_with_that_second_surname(people, director):
    found = person_search(director, "María Martínez")
    assert found[0] == people["María Martínez López"]
    assert found.index(people["María López Martínez"]) > 0


def test_the_intake_warning_ranks_the_exact_surname_order_above_the_swapped_one(people):
    candidates = duplicate_candidates(given_names="Josefina", first_surname="Flores", second_surname="Moreno")
    scores = {c.person: c.score for c in candidates}
    assert candidates[0].person == people["Josefina Flores Moreno"]
    assert scores[people["Josefina Flores Moreno"]] > scores[people["Josefina Moreno Flores"]]


def test_a_too_broad_search_says_so_and_drops_nobody_silently(people, director, client, settings):
    settings.PEOPLE_SEARCH_CANDIDATE_LIMIT = 3
    found = person_search(director, "María")
    assert found.too_broad and found == []
    client.force_login(director)
    body = client.post(reverse("people:search"), {"q": "María"}).content.decode()
    assert "Agregue otra palabra" in body
    assert person_search(director, "María Ortega")[0] == people["María de Jesús Ortega Quintero"]


def test_a_too_broad_name_at_intake_is_narrowed_by_her_birth_date(people, director, settings):
    born = datetime.date(1990, 3, 4)
    _born_long_before(people, director)
    her = PersonFactory(given_names="María", first_surname="Ochoa", second_surname="", birth_date=born)
    settings.PEOPLE_SEARCH_CANDIDATE_LIMIT = 3
    assert duplicate_candidates(given_names="María").too_broad
    candidates = duplicate_candidates(given_names="María", birth_date=born)
    # First, or level with the first (a fixture person may share her name and a close birth date by chance).
    best = candidates[0].score
    assert any(c.person == her and c.score == best for c in candidates)


def test_a_birth_date_typed_in_the_search_box_puts_her_first_among_namesakes(people, director):
    born = datetime.date(1987, 11, 23)
    namesakes = [
        PersonFactory(given_names="Rosa", first_surname="Ibarra", second_surname="Soto", birth_date=d)
        for d in (datetime.date(1960, 1, 1), datetime.date(1999, 2, 2), datetime.date(1975, 5, 5))
    ]
    her = PersonFactory(given_names="Rosa", first_surname="Ibarra", second_surname="Soto", birth_date=born)
    for typed in ("Rosa Ibarra Soto 23/11/1987", "1987-11-23 Rosa Ibarra", "rosa ibarra 23.11.87"):
        found = person_search(director, typed)
        assert found[0] == her, typed
        assert set(found[1:4]) == set(namesakes), typed


def test_a_too_broad_name_with_a_birth_date_in_the_search_box_is_narrowed_and_says_so(
    people, director, client, settings
):
    born = datetime.date(1990, 3, 4)
    _born_long_before(people, director)
    her = PersonFactory(given_names="María", first_surname="Ochoa", second_surname="", birth_date=born)
    settings.PEOPLE_SEARCH_CANDIDATE_LIMIT = 3
    assert person_search(director, "María").too_broad
    found = person_search(director, "María 04/03/1990")
    assert found.narrowed_by_birth and not found.too_broad and her in found[:1]
    client.force_login(director)
    body = client.post(reverse("people:search"), {"q": "María 04/03/1990"}).content.decode()
    assert "nacidas a menos de un año de la fecha escrita" in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Rosa Ibarra 31/02/1987", "La fecha 31/02/1987 no existe"),
        ("Rosa Ibarra 01/01/2090", "está en el futuro"),
    ],
)
def test_an_impossible_birth_date_in_the_search_box_is_explained_in_spanish(director, client, typed, message):
    client.force_login(director)
    response = client.post(reverse("people:search"), {"q": typed})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_repeated_surname_is_found_when_her_name_is_common(director, settings):
    """ "López López" is one pair of words, not two: counting it twice lost her among common namesakes."""
    people = (
        [("María", "López", "López")] * 3 + [("María", "López", "Ruiz")] * 2 + [("Ana", "López", "López")] * 2
    )
    people += [("María Inés", "Soto", "Vega"), ("Inés", "López", "Vega")]
    for given, first, second in people:
        PersonFactory(given_names=given, first_surname=first, second_surname=second)
    her = PersonFactory(given_names="María Inés", first_surname="López", second_surname="López")
    settings.PEOPLE_SEARCH_CANDIDATE_LIMIT = 4  # "María López" and "López López" are too common to read
    found = person_search(director, "María Inés López López")
    assert not found.too_broad and found[0] == her
