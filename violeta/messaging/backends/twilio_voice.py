"""Twilio's Calls API (Programmable Voice), without the SDK: one POST places a call that says the message's words.

A voice message's ``body`` is the words of the call (Spanish, plain text); the call speaks them with
``<Say language="es-MX">``, twice, from inline TwiML (no page of ours is fetched during the call).
Settings: those of ``twilio`` (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_BASE) and TWILIO_VOICE_FROM, the
institute's number the call comes from (TWILIO_FROM by default). Status callbacks (initiated, ringing, answered,
completed; then busy, no-answer, failed or canceled) arrive at /mia/llamada/estado/, signed like the SMS ones.
"""

import urllib.parse
from datetime import timedelta
from email.utils import parsedate_to_datetime
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from violeta.messaging.backends import SendResult
from violeta.messaging.backends.twilio import TwilioBackend, _api

# The progress events Twilio reports to StatusCallback (the outcome comes with "completed" or a failure).
EVENTS = ["initiated", "ringing", "answered", "completed"]
# An attempt whose fate is unknown is looked for among the calls to the number placed this recently.
LOOKUP_MINUTES = 15
# The call says the words this many times (the contact may miss the first seconds while picking up).
REPEAT = 2


def twiml(words: str) -> str:
    """The call's TwiML: the words in Mexican Spanish, said ``REPEAT`` times with a pause between."""
    say = f'<Say language="es-MX">{escape(words)}</Say>'
    return "<Response>" + '<Pause length="1"/>'.join([say] * REPEAT) + "</Response>"


def _created(call: dict):
    try:
        return parsedate_to_datetime(call.get("date_created") or "")
    except (TypeError, ValueError):
        return None


class TwilioVoiceBackend(TwilioBackend):
    """One call per message (``TwilioBackend``'s connection and errors: refused is ``SmsError``, no answer in
    time is ``SmsUnknown``, looked up before any new call). The provider reports each call's progress."""

    reports_delivery = True

    def send(self, to, body, idempotency_key):
        data = {
            "To": to,
            "From": getattr(settings, "TWILIO_VOICE_FROM", "") or settings.TWILIO_FROM,
            "Twiml": twiml(body),
            "StatusCallback": settings.SITE_URL.rstrip("/") + reverse("messaging:voice_status"),
            "StatusCallbackEvent": EVENTS,
        }
        result = self._request("POST", _api("Calls"), data)
        return SendResult(provider_message_id=result["sid"], status=result.get("status", "queued"))

    def lookup(self, idempotency_key, *, to="", body=""):
        """Twilio has no idempotency keys and does not return a call's TwiML: the attempt went out if a call to
        this number was created in the last ``LOOKUP_MINUTES`` (one call per alert; the newest is taken). The
        newest calls to the number, filtered here on their creation: Twilio's StartTime filter would leave out a
        call still queued (it has no start time yet), which would then be placed twice."""
        if not to:
            return None
        since = timezone.now() - timedelta(minutes=LOOKUP_MINUTES)
        query = {"To": to, "PageSize": 50}
        result = self._request("GET", _api("Calls") + "?" + urllib.parse.urlencode(query))
        for call in result.get("calls", []):
            created = _created(call)
            if created is not None and created >= since:
                return SendResult(provider_message_id=call["sid"], status=call.get("status", "queued"))
        return None

    def status(self, provider_message_id):
        url = _api("Calls").removesuffix(".json") + f"/{urllib.parse.quote(provider_message_id)}.json"
        return self._request("GET", url).get("status")
