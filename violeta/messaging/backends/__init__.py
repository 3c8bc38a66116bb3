"""Message providers, one per channel, chosen by settings in the manner of Django's EMAIL_BACKEND.

Each outbox message has a ``channel`` (``violeta.messaging.models.Channel``: SMS, WhatsApp, voice call, webhook,
e-mail) and the sender hands it to that channel's backend: ``settings.MESSAGING_BACKENDS[channel]`` (the SMS
one is ``settings.SMS_BACKEND``). What ``body`` holds is the channel's business: the text of an SMS, the JSON of a
WhatsApp template message or of a webhook's payload, the words of a voice call.

Every backend has:
- ``send(to, body, idempotency_key) -> SendResult``; raises ``SmsError`` when the provider refused or could not
  be reached (nothing was accepted: retried with backoff), and ``SmsUnknown`` when the request may have been
  accepted but no answer came in time (never resent before ``lookup`` says it did not go out);
- ``lookup(idempotency_key, *, to, body) -> SendResult | None``: whether that submission reached the provider;
  ``lookup_settles``: True when a "not there" can be early (a remote API that may take a request in after the
  client gave up on it): it is trusted only ``MESSAGING["SETTLE_SECONDS"]`` after the attempt was claimed;
- ``status(provider_message_id) -> str | None``: the provider's current status of a message, when it can say.

A backend is called from the sender's threads, so it keeps no per-call state on the instance.
"""

import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider refused or could not be reached: the message was not accepted, and is retried with backoff."""


class SmsUnknown(SmsError):
    """No answer in time: the provider may have accepted the message. Resolved by ``lookup`` before any resend."""


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    status: str = "sent"


class BaseSmsBackend:
    # A provider that sends delivery reports: a sent message without one is asked about later.
    reports_delivery = False
    # A lookup that may not see yet a request the provider received (it sat in the provider's queue): "not there"
    # is trusted only SETTLE_SECONDS after the attempt. False for a lookup that is the truth at once (a local
    # store written by ``send`` itself, a receiver that dedupes on the key).
    lookup_settles = False

    def send(self, to: str, body: str, idempotency_key: str) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError

    def lookup(self, idempotency_key: str, *, to: str = "", body: str = "") -> SendResult | None:
        return None

    def status(self, provider_message_id: str) -> str | None:
        return None


def backend_path(channel: str = "sms") -> str:
    if channel == "sms":
        return settings.SMS_BACKEND
    try:
        return settings.MESSAGING_BACKENDS[channel]
    except KeyError:
        raise SmsError(f"no backend configured for channel {channel!r}") from None


def get_backend(channel: str = "sms") -> BaseSmsBackend:
    return import_string(backend_path(channel))()


class Backends:
    """The backend of each channel, made when first needed. ``sms`` (optional) replaces the SMS one: tests and
    ``Sender(backend=...)`` give theirs. Safe to read from the sender's threads once made; a channel without a
    configured backend raises ``SmsError`` (the message is retried, then gives up and the monitors are told)."""

    def __init__(self, sms: BaseSmsBackend | None = None, **others: BaseSmsBackend):
        self._made: dict[str, BaseSmsBackend] = dict(others)
        if sms is not None:
            self._made["sms"] = sms
        self._lock = threading.Lock()

    def get(self, channel: str = "sms") -> BaseSmsBackend:
        backend = self._made.get(channel)
        if backend is None:
            with self._lock:
                backend = self._made.get(channel)
                if backend is None:
                    backend = self._made[channel] = get_backend(channel)
        return backend

    def made(self) -> list[tuple[str, BaseSmsBackend]]:
        return list(self._made.items())


def backends_of(backend: "BaseSmsBackend | Backends | None") -> Backends:
    """A ``Backends`` from what a caller passed: nothing (the settings), one backend (for SMS), or a ``Backends``."""
    if isinstance(backend, Backends):
        return backend
    return Backends(sms=backend)
