import threading
import uuid

from violeta.messaging.backends import BaseSmsBackend, SendResult

# The messages "sent" in this process, like django.core.mail.outbox (tests read it).
outbox: list[dict] = []
_lock = threading.Lock()


class LocmemBackend(BaseSmsBackend):
    """Keeps messages in memory (tests). Remembers idempotency keys as a real provider's log would."""

    def send(self, to, body, idempotency_key):
        with _lock:
            sent = {"to": to, "body": body, "key": idempotency_key, "id": f"SM{uuid.uuid4().hex}"}
            outbox.append(sent)
        return SendResult(provider_message_id=sent["id"])

    def lookup(self, idempotency_key, *, to="", body=""):
        with _lock:
            for sent in outbox:
                if sent["key"] == idempotency_key:
                    return SendResult(provider_message_id=sent["id"])
        return None
