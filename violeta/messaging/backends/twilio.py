"""Twilio's REST API (Programmable Messaging), without the SDK: one POST to send, signed status callbacks.

Settings: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and TWILIO_FROM (a number) or TWILIO_MESSAGING_SERVICE_SID.
TWILIO_API_BASE (https://api.twilio.com; a local fake in tests).
Status callbacks arrive at /mia/sms/estado/ and replies at /mia/sms/entrante/, both signed by Twilio
(X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted POST parameters, keyed by the auth token).
"""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from violeta.messaging.backends import BaseSmsBackend, SendResult, SmsError, SmsUnknown

PATH = "/2010-04-01/Accounts/{sid}/Messages.json"


def _api() -> str:
    return settings.TWILIO_API_BASE.rstrip("/") + PATH.format(sid=settings.TWILIO_ACCOUNT_SID)


def _auth_header() -> str:
    raw = f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def signature(url: str, params: dict, token: str | None = None) -> str:
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new((token or settings.TWILIO_AUTH_TOKEN).encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_is_valid(url: str, params: dict, given: str) -> bool:
    return bool(given) and hmac.compare_digest(signature(url, params), given)


class TwilioBackend(BaseSmsBackend):
    """One request per message, each with its own timeout (``MESSAGING["SEND_TIMEOUT_SECONDS"]``): the sender
    runs many at once, so a slow answer delays only its own message.

    A failure before the request was written (no connection) or an HTTP error is ``SmsError``: not accepted. A
    failure after it was written (no answer in time, connection cut) is ``SmsUnknown``: Twilio may have
    accepted it, and the sender asks (``lookup``) before it sends again.
    """

    reports_delivery = True

    def _request(self, method: str, url: str, data: dict | None = None) -> dict:
        body = urllib.parse.urlencode(data).encode() if data else None
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 (URL from settings)
        request.add_header("Authorization", _auth_header())
        timeout = settings.MESSAGING["SEND_TIMEOUT_SECONDS"]
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return json.loads(response.read().decode())
        except urllib.error.HTTPError as exc:
            raise SmsError(f"twilio http {exc.code}") from exc
        except urllib.error.URLError as exc:  # raised while connecting or writing the request: not accepted
            raise SmsError("twilio unreachable") from exc
        except (TimeoutError, OSError, ValueError) as exc:  # after the request was written: maybe accepted
            raise SmsUnknown("twilio: no answer in time") from exc

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
        """Twilio has no idempotency keys: look for a message with this number and text in the last minutes.

        Called only for a submission whose outcome is unknown (no answer in time, or the sender died mid-send).
        """
        if not to:
            return None
        since = (timezone.now() - timedelta(minutes=15)).strftime("%Y-%m-%d")
        query = urllib.parse.urlencode({"To": to, "DateSent>": since, "PageSize": 50})
        result = self._request("GET", _api() + "?" + query)
        for message in result.get("messages", []):
            if message.get("body") == body:
                return SendResult(provider_message_id=message["sid"], status=message.get("status", "sent"))
        return None

    def status(self, provider_message_id):
        url = _api().removesuffix(".json") + f"/{urllib.parse.quote(provider_message_id)}.json"
        return self._request("GET", url).get("status")
