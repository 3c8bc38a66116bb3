"""``manage.py reindex_names`` rebuilds the name index of everyone (after a change to how names are cut)."""

import io

import pytest
from django.core.management import call_command

from violeta.people.matching import match_people, search_words
from violeta.people.models import Person, PersonNamePair, PersonNameWord
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_people_loaded_in_bulk_are_found_after_reindexing():
    indexed = PersonFactory(given_names="Itzel", first_surname="Zamarripa", second_surname="Ochoa")
    bulk = Person.objects.bulk_create(
        [
            Person(given_names="Xóchitl", first_surname="Zamarripa", second_surname=f"Ochoa{i}")
            for i in range(3)
        ]
    )
    PersonNameWord.objects.filter(person=indexed).delete()
    assert not match_people(search_words("Itzel Zamarripa")).matches
    out = io.StringIO()
    call_command("reindex_names", "--batch", "2", stdout=out)
    assert "Se reindexaron los nombres de 4 personas" in out.getvalue()
    assert match_people(search_words("Itzel Zamarripa")).matches[0].person_id == indexed.pk
    assert match_people(search_words("Xochitl Zamarripa")).candidates == 3
    assert PersonNamePair.objects.filter(person__in=bulk).count() == 3 * 3
