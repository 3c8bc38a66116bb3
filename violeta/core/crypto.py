"""Encryption at rest for the most sensitive free text (narratives, addresses, code words).

AES-256-GCM with keys from settings.ENCRYPTION_KEYS (newest first). Each value is stored as
``v1:<key id>:<base64 nonce+ciphertext>``; the key id lets any listed key decrypt, so keys rotate by
prepending a new one and running ``manage.py rotate_encryption_keys``. The column name is bound as associated
data, so a ciphertext copied into another column does not decrypt.
"""

import base64
import binascii
import hashlib
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1"


class DecryptionError(Exception):
    pass


@lru_cache(maxsize=8)
def _keys(raw_keys: tuple[str, ...]) -> list[tuple[str, AESGCM]]:
    keys = []
    for raw in raw_keys:
        try:
            key = base64.urlsafe_b64decode(raw.encode())
        except ValueError as exc:
            raise ImproperlyConfigured("VIOLETA_ENCRYPTION_KEYS holds a value that is not base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured("Each encryption key must be 32 bytes, base64-encoded.")
        keys.append((hashlib.sha256(key).hexdigest()[:8], AESGCM(key)))
    if not keys:
        raise ImproperlyConfigured("At least one encryption key is required.")
    return keys


def keyring() -> list[tuple[str, AESGCM]]:
    return _keys(tuple(settings.ENCRYPTION_KEYS))


def current_key_id() -> str:
    return keyring()[0][0]


def encrypt(plaintext: str, *, context: str) -> str:
    key_id, aead = keyring()[0]
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    try:
        prefix, key_id, payload = token.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("not an encrypted value") from exc
    if prefix != PREFIX:
        raise DecryptionError("unknown format")
    for candidate_id, aead in keyring():
        if candidate_id == key_id:
            try:
                raw = base64.b64decode(payload)
                return aead.decrypt(raw[:12], raw[12:], context.encode()).decode()
            except (binascii.Error, InvalidTag) as exc:
                # Tampered, truncated, or copied from another column (the column is the associated data).
                raise DecryptionError("value does not decrypt with its key and column") from exc
    raise DecryptionError("no key for this value; was a key removed from VIOLETA_ENCRYPTION_KEYS?")


def key_id_of(token: str) -> str | None:
    parts = token.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


class EncryptedTextField(models.TextField):
    """A TextField whose value is encrypted in the database. It cannot be searched or ordered by."""

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value, context=self._context())

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value, context=self._context())

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)
