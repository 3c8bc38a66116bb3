import base64
import os

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from violeta.core import crypto


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


CONTEXT = "people.person.address"


def test_round_trip_and_format():
    token = crypto.encrypt("Calle Juárez 123, interior 4", context=CONTEXT)
    assert token.startswith("v1:")
    assert "Juárez" not in token
    assert crypto.key_id_of(token) == crypto.current_key_id()
    assert crypto.decrypt(token, context=CONTEXT) == "Calle Juárez 123, interior 4"


def test_each_encryption_uses_a_fresh_nonce():
    assert crypto.encrypt("igual", context=CONTEXT) != crypto.encrypt("igual", context=CONTEXT)


def test_value_encrypted_with_the_old_key_decrypts_after_rotation():
    old, new = new_key(), new_key()
    with override_settings(ENCRYPTION_KEYS=[old]):
        token = crypto.encrypt("palabra clave: girasol", context=CONTEXT)
        old_id = crypto.current_key_id()
    with override_settings(ENCRYPTION_KEYS=[new, old]):
        assert crypto.current_key_id() != old_id
        assert crypto.key_id_of(token) == old_id
        assert crypto.decrypt(token, context=CONTEXT) == "palabra clave: girasol"
        rewritten = crypto.encrypt("palabra clave: girasol", context=CONTEXT)
        assert crypto.key_id_of(rewritten) == crypto.current_key_id()
    with override_settings(ENCRYPTION_KEYS=[new]), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context=CONTEXT)


def test_ciphertext_is_bound_to_its_column():
    token = crypto.encrypt("girasol", context="people.safecontactpreference.code_word")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="people.person.address")
    assert crypto.decrypt(token, context="people.safecontactpreference.code_word") == "girasol"


def test_tampered_ciphertext_does_not_decrypt():
    token = crypto.encrypt("girasol", context=CONTEXT)
    prefix, key_id, payload = token.split(":", 2)
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}", context=CONTEXT)


@pytest.mark.parametrize("token", ["texto plano", "v2:abc:def", "v1:ffffffff:AAAA"])
def test_values_that_are_not_ours_are_refused(token):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context=CONTEXT)


@pytest.mark.parametrize("keys", [[], ["no-es-base64!"], [base64.urlsafe_b64encode(b"corta").decode()]])
def test_bad_key_configuration_is_refused(keys):
    with override_settings(ENCRYPTION_KEYS=keys), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context=CONTEXT)


def test_settings_provide_a_usable_key():
    assert settings.ENCRYPTION_KEYS
    assert len(base64.urlsafe_b64decode(settings.ENCRYPTION_KEYS[0])) == 32
