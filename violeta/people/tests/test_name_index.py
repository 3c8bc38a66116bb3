"""The word index of names follows every write of a name, in the same transaction."""

import importlib

import pytest
from django.apps import apps as django_apps

from violeta.people.models import NameWord, PersonNameWord
from violeta.people.services import person_update
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def words_of(person):
    return sorted(PersonNameWord.objects.filter(person=person).values_list("field", "position", "word__word"))


def test_registering_a_person_indexes_her_name_words():
    person = PersonFactory(given_names="Ma. de la Luz", first_surname="DelaCruz", second_surname="Pérez")
    assert words_of(person) == [
        ("given", 0, "maria"),
        ("given", 1, "luz"),
        ("surname1", 0, "cruz"),
        ("surname2", 0, "perez"),
    ]


def test_renaming_a_person_replaces_her_words_and_keeps_the_vocabulary(lawyer):
    person = PersonFactory(given_names="Rosa", first_surname="Luna", second_surname="")
    person_update(person=person, by=lawyer, first_surname="Soto", second_surname="Luna")
    assert words_of(person) == [("given", 0, "rosa"), ("surname1", 0, "soto"), ("surname2", 0, "luna")]
    assert NameWord.objects.filter(word="luna").count() == 1


def test_the_migration_backfills_people_written_before_the_index():
    person = PersonFactory(given_names="Xóchitl", first_surname="Zamarripa", second_surname="")
    PersonNameWord.objects.filter(person=person).delete()
    migration = importlib.import_module("violeta.people.migrations.0005_name_word_index")
    migration.backfill(django_apps, None)
    assert [w for *_, w in words_of(person)] == ["xochitl", "zamarripa"]


def pairs_of(person):
    from violeta.people.models import PersonNamePair

    return sorted(PersonNamePair.objects.filter(person=person).values_list("pair", "born_year"))


def expected_pairs(person, year):
    from itertools import combinations

    from violeta.people.name_index import pair_key

    ids = list(PersonNameWord.objects.filter(person=person).values_list("word_id", flat=True))
    return sorted({(pair_key(a, b), year) for a, b in combinations(ids, 2)})


def test_every_two_words_of_her_name_are_indexed_with_her_birth_year(lawyer):
    import datetime

    person = PersonFactory(
        given_names="María Luisa",
        first_surname="López",
        second_surname="López",
        birth_date=datetime.date(1980, 1, 2),
    )
    found = pairs_of(person)
    # maría-luisa, maría-lópez, luisa-lópez, lópez-lópez: each pair once.
    assert len(found) == 4 and found == expected_pairs(person, 1980)
    person_update(person=person, by=lawyer, second_surname="Ruiz", birth_date=datetime.date(1981, 5, 6))
    assert pairs_of(person) == expected_pairs(person, 1981) and len(pairs_of(person)) == 6


def test_the_pair_migration_backfills_people_indexed_by_word_only():
    from violeta.people.models import PersonNamePair

    person = PersonFactory(given_names="Itzel", first_surname="Zamarripa", second_surname="Ochoa")
    before = pairs_of(person)
    PersonNamePair.objects.filter(person=person).delete()
    migration = importlib.import_module("violeta.people.migrations.0006_name_pair_index")
    migration.backfill(django_apps, None)
    assert pairs_of(person) == before and len(before) == 3


def test_a_word_longer_than_the_index_keeps_is_cut_the_same_way_when_indexed_and_searched():
    """A 100-letter name typed without spaces failed to register on PostgreSQL (the word column holds 80)."""
    from violeta.people.matching import match_people, search_words

    word = "Guadalupe" + "Maríadelosángeles" * 5  # 94 letters
    person = PersonFactory(given_names=word, first_surname="Zamarripa", second_surname="")
    assert max(len(w) for *_, w in words_of(person)) == 80
    assert match_people(search_words(f"{word} Zamarripa")).matches[0].person_id == person.pk
