import logging
import sys
import uuid

from violeta.messaging.backends import BaseSmsBackend, SendResult

logger = logging.getLogger(__name__)


class ConsoleBackend(BaseSmsBackend):
    """Writes each message to standard output (development). Numbers are masked: logs must not hold them."""

    def send(self, to, body, idempotency_key):
        sys.stdout.write(f"[SMS to ***{to[-4:]}] {body}\n")
        sys.stdout.flush()
        return SendResult(provider_message_id=f"console-{uuid.uuid4().hex[:12]}")
