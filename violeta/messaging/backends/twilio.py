"""Twilio's REST API (Programmable Messaging), without the SDK: one POST to send, signed status callbacks.

Settings: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and TWILIO_FROM (a number) or TWILIO_MESSAGING_SERVICE_SID.
TWILIO_API_BASE (https://api.twilio.com; a local fake in tests).
Status callbacks arrive at /mia/sms/estado/ and replies at /mia/sms/entrante/, both signed by Twilio
(X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted POST parameters, keyed by the auth token).
"""

import base64
import hashlib
import hmac
import http.client
import json
import threading
import time
import urllib.parse

from django.conf import settings
from django.urls import reverse

from violeta.messaging.backends import BaseSmsBackend, SendResult, SmsError, SmsUnknown

PATH = "/2010-04-01/Accounts/{sid}/{resource}.json"


def _api(resource: str = "Messages") -> str:
    """The URL of one of the account's resources: ``Messages`` (SMS) or ``Calls`` (``twilio_voice``)."""
    return settings.TWILIO_API_BASE.rstrip("/") + PATH.format(
        sid=settings.TWILIO_ACCOUNT_SID, resource=resource
    )


def _auth_header() -> str:
    raw = f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def signature(url: str, params: dict, token: str | None = None) -> str:
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new((token or settings.TWILIO_AUTH_TOKEN).encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_is_valid(url: str, params: dict, given: str) -> bool:
    return bool(given) and hmac.compare_digest(signature(url, params), given)


# One kept-alive connection per sender thread: a TLS handshake per message cost more than the request itself.
# A connection idle longer than KEEP_ALIVE_SECONDS is not reused: a server that closed it meanwhile would make
# the next request's fate unknown, so it is opened afresh instead (servers keep idle connections far longer).
KEEP_ALIVE_SECONDS = 4
_local = threading.local()


def _connection(parts) -> http.client.HTTPConnection:
    key = (parts.scheme, parts.netloc)
    conn = getattr(_local, "conn", None)
    fresh = conn is not None and _local.key == key and time.monotonic() - _local.used < KEEP_ALIVE_SECONDS
    if not fresh:
        if conn is not None:
            _drop(conn)
        timeout = settings.MESSAGING["SEND_TIMEOUT_SECONDS"]
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = cls(parts.hostname, parts.port, timeout=timeout)
        _local.conn, _local.key = conn, key
    _local.used = time.monotonic()
    return conn


def _drop(conn) -> None:
    conn.close()
    if getattr(_local, "conn", None) is conn:
        _local.conn = None


class TwilioBackend(BaseSmsBackend):
    """One request per message, each with its own timeout (``MESSAGING["SEND_TIMEOUT_SECONDS"]``): the sender
    runs many at once, so a slow answer delays only its own message.

    A failure before the request was written (no connection) or an HTTP error is ``SmsError``: not accepted. A
    failure after it was written (no answer in time, connection cut) is ``SmsUnknown``: Twilio may have
    accepted it, and the sender asks (``lookup``) before it sends again.
    """

    reports_delivery = True
    # A request Twilio has received may not be listed yet (its queue; a client that gave up waiting): see lookup.
    lookup_settles = True

    def _request(self, method: str, url: str, data: dict | None = None) -> dict:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data else None  # a list: repeated
        parts = urllib.parse.urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Authorization": _auth_header(), "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = _connection(parts)
        try:
            conn.request(method, path, body=body, headers=headers)
        except OSError as exc:  # connecting or writing the request failed: it was not taken
            _drop(conn)
            raise SmsError("twilio unreachable") from exc
        try:
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:  # after the request was written: maybe accepted
            _drop(conn)
            raise SmsUnknown("twilio: no answer in time") from exc
        if response.will_close:
            _drop(conn)
        else:
            _local.used = time.monotonic()
        if response.status >= 400:
            raise SmsError(f"twilio http {response.status}")
        try:
            return json.loads(raw.decode())
        except ValueError as exc:
            raise SmsUnknown("twilio: an answer that is not JSON") from exc

    def send(self, to, body, idempotency_key):
        data = {
            "To": to,
            "Body": body,
            "StatusCallback": settings.SITE_URL.rstrip("/") + reverse("messaging:status"),
        }
        if getattr(settings, "TWILIO_MESSAGING_SERVICE_SID", ""):
            data["MessagingServiceSid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            data["From"] = settings.TWILIO_FROM
        result = self._request("POST", _api(), data)
        return SendResult(provider_message_id=result["sid"], status=result.get("status", "queued"))

    def lookup(self, idempotency_key, *, to="", body=""):
        """Twilio has no idempotency keys: look for a message with this number and text among the newest to that
        number (each alert text carries a token of its own, so the text names the submission).

        Called only for a submission whose outcome is unknown (no answer in time, or the sender died mid-send).
        No DateSent filter: it filters on the sent date, and a message Twilio still holds queued (one a second per
        number: a burst waits minutes) has none, so it was not found and was sent again.
        """
        if not to:
            return None
        query = urllib.parse.urlencode({"To": to, "PageSize": 50})
        result = self._request("GET", _api() + "?" + query)
        for message in result.get("messages", []):
            if message.get("body") == body:
                return SendResult(provider_message_id=message["sid"], status=message.get("status", "sent"))
        return None

    def status(self, provider_message_id):
        url = _api().removesuffix(".json") + f"/{urllib.parse.quote(provider_message_id)}.json"
        return self._request("GET", url).get("status")
