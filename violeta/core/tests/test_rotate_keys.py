import base64
import io
import os

from django.core.management import call_command
from django.test import override_settings

from violeta.people.models import Person
from violeta.people.tests.factories import PersonFactory
from violeta.testing.db import raw_column


def raw_address(pk):
    return raw_column("people_person", "address", pk)


def test_rotation_reencrypts_old_values_with_the_new_key(db, settings):
    old = settings.ENCRYPTION_KEYS[0]
    person = PersonFactory(address="Calle Ocampo 123")
    old_token = raw_address(person.pk)
    new = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with override_settings(ENCRYPTION_KEYS=[new, old]):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
        rotated = raw_address(person.pk)
        assert rotated != old_token
        assert Person.objects.get(pk=person.pk).address == "Calle Ocampo 123"
    with override_settings(ENCRYPTION_KEYS=[new]):  # the old key can now be removed
        assert Person.objects.get(pk=person.pk).address == "Calle Ocampo 123"
