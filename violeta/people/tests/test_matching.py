"""The name matcher on a small realistic set: each kind of variant staff type finds the right woman."""

import pytest

from violeta.people import names
from violeta.people.matching import form_words, match_people, search_words
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("María Guadalupe", "Hernández", "Ruiz"),
    ("Josefina", "Flores", "Moreno"),
    ("Josefina", "Moreno", "Flores"),
    ("Rosario", "de la Cruz", "Méndez"),
    ("Leticia", "Ramírez", "de los Santos"),
    ("Dolores", "Gutiérrez", "Ochoa"),
    ("Dolores", "Gutiérrez", "Ortiz"),
    ("Alejandra", "Núñez", "Villalobos"),
    ("Alejandro", "Núñez", "Villalobos"),
    ("Patricia", "Sánchez", "Treviño"),
    ("Lourdes", "Castañeda", "Íñiguez"),
    ("María de Jesús", "Ortega", "Quintero"),
    ("Refugio", "Domínguez", "Salas"),
    ("María Eugenia", "Valdez", "Rentería"),
    ("María", "Hernández", "Soto"),
    ("Guadalupe", "Ruiz", "Hernández"),
    ("María", "López", "Martínez"),
    ("María", "Martínez", "López"),
    ("Leticia", "Ramos", "Santos"),
    ("Rosa", "Cruz", "Méndez"),
    ("Socorro", "Del Río", "Balderrama"),
    ("Concepción", "Delgado", "Armendáriz"),
]


@pytest.fixture
def people(db):
    return {
        " ".join(n): PersonFactory(given_names=n[0], first_surname=n[1], second_surname=n[2]) for n in PEOPLE
    }


def top(query, n=1):
    result = match_people(search_words(query))
    assert not result.too_broad
    return [m.person_id for m in result.matches[:n]]


@pytest.mark.parametrize(
    ("kind", "query", "expected"),
    [
        ("exact", "María Guadalupe Hernández Ruiz", "María Guadalupe Hernández Ruiz"),
        ("no accents", "Patricia Sanchez Trevino", "Patricia Sánchez Treviño"),
        ("upper case", "LOURDES CASTAÑEDA IÑIGUEZ", "Lourdes Castañeda Íñiguez"),
        ("one typo", "Refugio Domingez Salas", "Refugio Domínguez Salas"),
        ("two typos", "Patrisia Sanches Treviño", "Patricia Sánchez Treviño"),
        ("nickname", "Lupita Hernández Ruiz", "María Guadalupe Hernández Ruiz"),
        ("nickname", "Chayo de la Cruz", "Rosario de la Cruz Méndez"),
        ("nickname", "Lety Ramírez Santos", "Leticia Ramírez de los Santos"),
        ("nickname", "Lola Gutiérrez Ochoa", "Dolores Gutiérrez Ochoa"),
        ("nickname", "Ale Núñez Villalobos", "Alejandra Núñez Villalobos"),
        ("nickname", "Paty Sánchez", "Patricia Sánchez Treviño"),
        ("nickname", "Lulú Castañeda", "Lourdes Castañeda Íñiguez"),
        ("nickname", "Cuca Domínguez", "Refugio Domínguez Salas"),
        ("nickname", "Maru Valdez", "María Eugenia Valdez Rentería"),
        ("nickname", "Coco del Río", "Socorro Del Río Balderrama"),
        ("nickname", "Conchita Delgado", "Concepción Delgado Armendáriz"),
        ("abbreviation", "Ma. de Jesús Ortega", "María de Jesús Ortega Quintero"),
        ("abbreviation", "Ma Guadalupe Hernandez", "María Guadalupe Hernández Ruiz"),
        ("abbreviation", "Ma. Gpe. Hernández Ruiz", "María Guadalupe Hernández Ruiz"),
        ("surnames first", "Hernández Ruiz María Guadalupe", "María Guadalupe Hernández Ruiz"),
        ("one surname", "Refugio Domínguez", "Refugio Domínguez Salas"),
        ("missing second given name", "María Hernández Ruiz", "María Guadalupe Hernández Ruiz"),
        ("particle dropped", "Rosario Cruz Méndez", "Rosario de la Cruz Méndez"),
        ("particle glued", "Rosario DelaCruz Méndez", "Rosario de la Cruz Méndez"),
        ("particle glued", "Leticia Ramírez DelosSantos", "Leticia Ramírez de los Santos"),
        ("particle glued", "Socorro DelRio", "Socorro Del Río Balderrama"),
        ("y between surnames", "Patricia Sánchez y Treviño", "Patricia Sánchez Treviño"),
        ("given name and first surname", "María Martínez", "María Martínez López"),
    ],
)
def test_each_kind_of_variant_finds_her_first(people, kind, query, expected):
    assert top(query) == [people[expected].pk], kind


def test_surname_order_ranks_the_exact_order_first(people):
    assert top("Josefina Flores Moreno", 2) == [
        people["Josefina Flores Moreno"].pk,
        people["Josefina Moreno Flores"].pk,
    ]
    assert top("Josefina Moreno Flores", 2) == [
        people["Josefina Moreno Flores"].pk,
        people["Josefina Flores Moreno"].pk,
    ]


def test_exact_ranks_above_fuzzy(people):
    ranked = top("Dolores Gutiérrez Ortiz", 2)
    assert ranked == [people["Dolores Gutiérrez Ortiz"].pk, people["Dolores Gutiérrez Ochoa"].pk]


def test_the_intake_form_fields_count_too(people):
    result = match_people(form_words("Josefina", "Moreno", "Flores"))
    assert result.matches[0].person_id == people["Josefina Moreno Flores"].pk
    assert result.matches[0].exact


def test_unrelated_names_match_nobody(people):
    assert match_people(search_words("Guillermina Quiñones Bustos")).matches == []


def test_a_query_past_the_candidate_limit_says_so_instead_of_dropping_people(people, settings):
    settings.PEOPLE_SEARCH_CANDIDATE_LIMIT = 3
    broad = match_people(search_words("María"))
    assert broad.too_broad and broad.matches == []
    narrow = match_people(search_words("María Ortega"))
    assert not narrow.too_broad
    assert narrow.matches[0].person_id == people["María de Jesús Ortega Quintero"].pk


def test_a_new_line_in_the_nickname_file_makes_a_new_nickname_find_her(people, tmp_path, settings):
    data = tmp_path / "hipocoristicos.csv"
    data.write_text(names.DEFAULT_NICKNAMES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    settings.PEOPLE_NICKNAMES_FILE = str(data)
    assert people["Concepción Delgado Armendáriz"].pk not in top("Connie Delgado")
    with data.open("a", encoding="utf-8") as handle:
        handle.write("Connie,Concepción\n")
    assert top("Connie Delgado") == [people["Concepción Delgado Armendáriz"].pk]


def test_a_new_person_is_found_at_once(people):
    new = PersonFactory(given_names="Xóchitl", first_surname="Zamarripa", second_surname="Uribe")
    assert top("Xochitl Samarripa") == [new.pk]


def test_too_many_matching_all_but_one_word_ranks_those_matching_every_word_and_says_so(people, settings):
    settings.PEOPLE_SEARCH_CANDIDATE_LIMIT = 2
    # Two of the three words match three women (the limit is two); only one has all three words.
    result = match_people(search_words("María Guadalupe Hernández"))
    assert not result.too_broad and result.every_word_needed
    assert [m.person_id for m in result.matches][:1] == [people["María Guadalupe Hernández Ruiz"].pk]


def test_ranking_only_the_first_results_gives_the_same_first_results(db, monkeypatch):
    """``top`` stops reading candidates who cannot reach the first places: the first places are unchanged."""
    from violeta.people import matching
    from violeta.people.models import Person
    from violeta.people.name_index import index_people
    from violeta.testing import names as generated

    scored = []
    score = matching._score
    monkeypatch.setattr(matching, "RANK_CHUNK", 5)
    monkeypatch.setattr(matching, "_score", lambda *args: scored.append(1) or score(*args))
    drawn = generated.people(400, seed=3)
    rows = Person.objects.bulk_create(
        Person(given_names=p.given_names, first_surname=p.first_surname, second_surname=p.second_surname)
        for p in drawn
    )
    # Women sharing two of her three words: candidates for "Rosa Ibarra Soto" who cannot outrank her.
    rows += Person.objects.bulk_create(
        [
            Person(given_names="Rosa", first_surname="Ibarra", second_surname=s)
            for s in ("Ruiz", "Vega", "Mora") * 4
        ]
        + [
            Person(given_names="Rosa", first_surname=s, second_surname="Soto")
            for s in ("Ruiz", "Vega", "Mora") * 4
        ]
        + [Person(given_names="Rosa", first_surname="Ibarra", second_surname="Soto")]
    )
    index_people(rows)
    queries = [p.full_name for p in drawn[:25]] + [
        f"{p.given_names.split()[0]} {p.first_surname}" for p in drawn[:25]
    ]
    for query in [*queries, "Rosa Ibarra Soto"]:
        every = match_people(search_words(query), limit=10_000)
        for top in (1, 3):
            first = match_people(search_words(query), limit=10_000, top=top)
            assert [m.score for m in first.matches] == [m.score for m in every.matches[:top]], query
    scored.clear()
    match_people(search_words("Rosa Ibarra Soto"), limit=10_000)
    all_scored = len(scored)
    scored.clear()
    assert (
        match_people(search_words("Rosa Ibarra Soto"), limit=10_000, top=1).matches[0].person_id
        == rows[-1].pk
    )
    assert all_scored >= 25 and len(scored) <= 10  # the shortcut was taken
