"""Unguessable tokens in links (an alert's live page, a contact's invitation, a card, a referral letter).

A token is shown once, where it is given out (an SMS, a QR, a printed letter); the database keeps only its
SHA-256 (``token_hash``), as for the MIA app's device tokens, so a copy of the database opens no link. A token
that must be shown again later (a card's QR and link, a letter's verification address) is not stored at all
but derived from a keyed HMAC of the object (``derived_token``): it can be rebuilt only with the key, which
lives in the settings, not in the database.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_token(nbytes: int = 16) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(raw: str) -> str:
    """What the database stores and looks up: 64 hex characters. A token is random, so no salt is needed."""
    return hashlib.sha256((raw or "").encode()).hexdigest()


def _key() -> bytes:
    key = getattr(settings, "TOKEN_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"violeta.tokens:" + key.encode()).digest()


def keyed_digest(purpose: str, value: str) -> bytes:
    """The 32-byte HMAC-SHA256 of ``value`` under the token key, separated by ``purpose``."""
    return hmac.new(_key(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()


def derived_token(purpose: str, value: str) -> str:
    """A 43-character token for ``value`` (a card number, a referral's id) that only the key can rebuild."""
    return base64.urlsafe_b64encode(keyed_digest(purpose, value)).decode().rstrip("=")
