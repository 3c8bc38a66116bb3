"""Text-message providers, chosen by ``settings.SMS_BACKEND`` in the manner of Django's EMAIL_BACKEND.

Every backend has:
- ``send(to, body, idempotency_key) -> SendResult``; raises ``SmsError`` when the provider refused or could not
  be reached (nothing was accepted: retried with backoff), and ``SmsUnknown`` when the request may have been
  accepted but no answer came in time (never resent before ``lookup`` says it did not go out);
- ``lookup(idempotency_key, *, to, body) -> SendResult | None``: whether that submission reached the provider;
- ``status(provider_message_id) -> str | None``: the provider's current status of a message, when it can say.

A backend is called from the sender's threads, so it keeps no per-call state on the instance.
"""

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

    def send(self, to: str, body: str, idempotency_key: str) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError

    def lookup(self, idempotency_key: str, *, to: str = "", body: str = "") -> SendResult | None:
        return None

    def status(self, provider_message_id: str) -> str | None:
        return None


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
