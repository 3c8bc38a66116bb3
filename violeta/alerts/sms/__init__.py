"""Text-message gateways, chosen by ``settings.SMS_BACKEND`` in the manner of Django's EMAIL_BACKEND.

Every backend has ``send(to, body, idempotency_key) -> SendResult`` and ``lookup(idempotency_key)``, which
answers whether a submission with that key reached the provider (``None`` when unknown), so the outbox can
recover from a crash between "handed to the provider" and "recorded as sent" without sending twice.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider refused or could not be reached; the outbox retries with backoff."""


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    status: str = "sent"


class BaseSmsBackend:
    def send(self, to: str, body: str, idempotency_key: str) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError

    def lookup(self, idempotency_key: str) -> SendResult | None:
        return None

    def send_many(self, messages: list[tuple[str, str, str]]) -> list[SendResult | SmsError]:
        """Send several ``(to, body, idempotency_key)``: for each, its result or the ``SmsError`` it raised.

        One after another here; a backend whose sends wait on the network sends several at once. Any other
        exception (the worker dying) propagates: the outbox's watchdog then asks the gateway what went out.
        """
        results: list[SendResult | SmsError] = []
        for to, body, key in messages:
            try:
                results.append(self.send(to, body, key))
            except SmsError as exc:
                results.append(exc)
        return results


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
