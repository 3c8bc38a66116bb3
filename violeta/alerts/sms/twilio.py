"""Twilio's REST API (Programmable Messaging), without the SDK: one POST to send, signed status callbacks.

Settings: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and TWILIO_FROM (a number) or TWILIO_MESSAGING_SERVICE_SID.
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
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from violeta.alerts.sms import BaseSmsBackend, SendResult, SmsError

API = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
TIMEOUT = 10


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
    reports_delivery = True

    def _request(self, method: str, url: str, data: dict | None = None) -> dict:
        body = urllib.parse.urlencode(data).encode() if data else None
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 (https URL from code)
        request.add_header("Authorization", _auth_header())
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return json.loads(response.read().decode())
        except urllib.error.HTTPError as exc:
            raise SmsError(f"twilio http {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError("twilio unreachable") from exc

    def send(self, to, body, idempotency_key):
        data = {"To": to, "Body": body, "StatusCallback": settings.SITE_URL + reverse("alerts:sms_status")}
        if getattr(settings, "TWILIO_MESSAGING_SERVICE_SID", ""):
            data["MessagingServiceSid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            data["From"] = settings.TWILIO_FROM
        result = self._request("POST", API.format(sid=settings.TWILIO_ACCOUNT_SID), data)
        return SendResult(provider_message_id=result["sid"], status=result.get("status", "queued"))

    def send_many(self, messages):
        """Up to ``TWILIO_CONCURRENCY`` (8) requests at once: each waits on the network (a few hundred ms), and
        an alert to five contacts, or a batch drained under load, should not wait for them one by one."""
        if len(messages) < 2:
            return super().send_many(messages)

        def one(message):
            try:
                return self.send(*message)
            except SmsError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=min(len(messages), settings.TWILIO_CONCURRENCY)) as pool:
            return list(pool.map(one, messages))

    def lookup(self, idempotency_key):
        """Twilio has no idempotency keys: look for a message to the same number in the last minutes.

        The outbox calls this only for a submission whose outcome is unknown (the worker died mid-send); it
        passes the number and body through ``lookup_context`` set just before.
        """
        context = getattr(self, "lookup_context", None)
        if not context:
            return None
        since = (timezone.now() - timedelta(minutes=15)).strftime("%Y-%m-%d")
        query = urllib.parse.urlencode({"To": context["to"], "DateSent>": since, "PageSize": 50})
        result = self._request("GET", API.format(sid=settings.TWILIO_ACCOUNT_SID) + "?" + query)
        for message in result.get("messages", []):
            if message.get("body") == context["body"]:
                return SendResult(provider_message_id=message["sid"], status=message.get("status", "sent"))
        return None
