"""A signed JSON webhook (the hand-off of an alert to the state's C4/C5 integration; docs/mia.md, "Dispatch").

``to`` is the receiver's URL, ``body`` the JSON payload, sent as it is (the outbox encrypts it at rest). Every
request carries:

- ``X-Violeta-Timestamp``: Unix seconds when it was signed (the receiver refuses old ones: replays);
- ``X-Violeta-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``, keyed by
  ``MIA["DISPATCH_SECRET"]``;
- ``Idempotency-Key: <message id>:<attempt>``: the receiver keeps the keys it accepted and answers 2xx again
  without acting twice. The part before the colon is the message's id, the same in every attempt.

A 2xx answer is the receiver taking it: sent and delivered at once (there is no later report). 408, 429 and 5xx
or no connection: not taken, retried with backoff (``SmsError``). Any other 4xx: refused (``SmsError`` too; after
``MAX_ATTEMPTS`` the monitors are told). No answer in time: ``SmsUnknown``, and ``lookup`` replays the same
request with the same key: the receiver's dedupe makes the replay safe, and its 2xx says it has it.
"""

import hashlib
import hmac
import http.client
import time
import urllib.parse

from django.conf import settings

from violeta.messaging.backends import BaseSmsBackend, SendResult, SmsError, SmsUnknown

RETRYABLE = {408, 429}


class WebhookRefused(SmsError):
    """The receiver answered 4xx (other than 408/429): it will not take this request as it is."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``timestamp + "." + body``: what the receiver computes to check a request."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _secret() -> str:
    secret = settings.MIA.get("DISPATCH_SECRET", "")
    if not secret:
        raise SmsError("webhook: no signing secret configured")
    return secret


class WebhookBackend(BaseSmsBackend):
    """One POST per submission, its own connection and ``MESSAGING["SEND_TIMEOUT_SECONDS"]`` timeout."""

    def _post(self, url: str, body: str, idempotency_key: str) -> int:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SmsError("webhook: the target is not an http(s) URL")
        raw = body.encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Violeta-Timestamp": timestamp,
            "X-Violeta-Signature": signature(_secret(), timestamp, raw),
            "Idempotency-Key": idempotency_key,
        }
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = cls(parts.hostname, parts.port, timeout=settings.MESSAGING["SEND_TIMEOUT_SECONDS"])
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            try:
                conn.request("POST", path, body=raw, headers=headers)
            except OSError as exc:  # no connection, or the request could not be written: not taken
                raise SmsError("webhook unreachable") from exc
            try:
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:  # written, no answer: maybe taken
                raise SmsUnknown("webhook: no answer in time") from exc
        finally:
            conn.close()
        return response.status

    def send(self, to, body, idempotency_key):
        status = self._post(to, body, idempotency_key)
        if 200 <= status < 300:
            return SendResult(provider_message_id=f"webhook:{idempotency_key}"[:64], status="delivered")
        if status in RETRYABLE or status >= 500:
            raise SmsError(f"webhook http {status}: try again")
        raise WebhookRefused(f"webhook http {status}: refused")

    def lookup(self, idempotency_key, *, to="", body=""):
        """Replay the submission with its own key: the receiver dedupes on it, so a 2xx means it has the message
        (now or before), and nothing is acted on twice. Unreachable or unanswered: raises, asked again later."""
        if not to:
            return None
        try:
            return self.send(to, body, idempotency_key)
        except WebhookRefused:
            return None
