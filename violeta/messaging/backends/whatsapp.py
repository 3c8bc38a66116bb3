"""The WhatsApp Business Cloud API (Meta's Graph API), without an SDK: one POST per template message.

Settings: WHATSAPP_API_BASE (https://graph.facebook.com; a local fake in tests), WHATSAPP_API_VERSION,
WHATSAPP_TOKEN (bearer), WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET (signs the status webhooks),
WHATSAPP_TEMPLATES and WHATSAPP_LANGUAGE.

A WhatsApp message's ``body`` in the outbox is JSON (``template_body``): the approved template's name, its body
parameters (her chosen name and the live page's link) and ``text``, the same message as an SMS, which the SMS
fallback sends and the console shows. Statuses (sent, delivered, read, failed) arrive signed at the webhook
``/mia/whatsapp/estado/`` (``X-Hub-Signature-256``: HMAC-SHA256 of the raw body with the app secret).

The Cloud API has no idempotency keys and no way to look a message up. Each request carries the submission's
idempotency key as ``biz_opaque_callback_data``, which comes back in every status report of that message: the
webhook records a submission whose answer was lost as soon as its first report arrives. ``lookup`` (asked when
the fate stays unknown after the lease) never says "not there": it records the submission as sent with an
unknown fate, so it is never resent blindly; a WhatsApp message not delivered in time goes again by SMS, once
(``violeta.messaging.fallback``), which covers her.
"""

import hashlib
import hmac
import http.client
import json
import urllib.parse

from django.conf import settings

from violeta.messaging.backends import BaseSmsBackend, SendResult, SmsError, SmsUnknown

# What ``lookup`` records for a submission whose fate the provider cannot tell (``provider_status``).
UNKNOWN_FATE = "unknown"


def template_body(*, template: str, params: list[str], text: str) -> str:
    """The outbox body of a WhatsApp template message (``text``: the same message as an SMS)."""
    return json.dumps({"template": template, "params": params, "text": text}, ensure_ascii=False)


def body_text(body: str) -> str | None:
    """The SMS rendering kept in a WhatsApp body (None when it is not one)."""
    try:
        text = json.loads(body).get("text")
    except (ValueError, AttributeError):
        return None
    return text if isinstance(text, str) and text else None


def signature(raw: bytes, secret: str | None = None) -> str:
    """Meta's X-Hub-Signature-256 of a webhook's raw body."""
    key = (secret if secret is not None else settings.WHATSAPP_APP_SECRET).encode()
    return "sha256=" + hmac.new(key, raw, hashlib.sha256).hexdigest()


def signature_is_valid(raw: bytes, given: str) -> bool:
    """Constant-time check of a webhook's signature; no app secret configured means nothing is trusted."""
    if not settings.WHATSAPP_APP_SECRET or not given:
        return False
    return hmac.compare_digest(signature(raw), given)


def _messages_url() -> str:
    base = settings.WHATSAPP_API_BASE.rstrip("/")
    return f"{base}/{settings.WHATSAPP_API_VERSION}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"


def payload(to: str, body: str, idempotency_key: str) -> dict:
    """The Graph API's request for one template message."""
    try:
        message = json.loads(body)
        template, params = message["template"], message["params"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SmsError("whatsapp: the body is not a template message") from exc
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": settings.WHATSAPP_LANGUAGE},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}],
        },
        "biz_opaque_callback_data": idempotency_key,
    }


class WhatsAppBackend(BaseSmsBackend):
    """One request per message with its own timeout (``MESSAGING["SEND_TIMEOUT_SECONDS"]``), like Twilio's.

    Not connected or refused (HTTP error): ``SmsError``, retried with backoff. Written but not answered in time:
    ``SmsUnknown``, and the webhook's reports or ``lookup`` settle it, never a blind resend.
    """

    reports_delivery = True

    def send(self, to, body, idempotency_key):
        data = json.dumps(payload(to, body, idempotency_key)).encode()
        parts = urllib.parse.urlsplit(_messages_url())
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = cls(parts.hostname, parts.port, timeout=settings.MESSAGING["SEND_TIMEOUT_SECONDS"])
        headers = {
            "Authorization": f"Bearer {settings.WHATSAPP_TOKEN}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            try:
                conn.request("POST", parts.path, body=data, headers=headers)
            except OSError as exc:  # not connected, or the request not written: not taken
                raise SmsError("whatsapp unreachable") from exc
            try:
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:  # written: maybe accepted
                raise SmsUnknown("whatsapp: no answer in time") from exc
        finally:
            conn.close()
        if response.status >= 400:
            raise SmsError(f"whatsapp http {response.status}")
        try:
            wamid = json.loads(raw.decode())["messages"][0]["id"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise SmsUnknown("whatsapp: an answer without a message id") from exc
        return SendResult(provider_message_id=wamid, status="accepted")

    def lookup(self, idempotency_key, *, to="", body=""):
        """The Cloud API cannot be asked. Had a status report of this submission arrived, the webhook would have
        recorded it already; so its fate is unknown: recorded as sent (``UNKNOWN_FATE``), never resent."""
        return SendResult(provider_message_id="", status=UNKNOWN_FATE)

    def status(self, provider_message_id):
        return None  # no status query in the Cloud API: the webhook's reports are all there is
