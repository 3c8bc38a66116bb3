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
