"""WhatsApp's webhook: Meta's verification handshake (GET) and the signed status reports (POST)."""

import hmac
import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from violeta.messaging import services
from violeta.messaging.backends.whatsapp import signature_is_valid

logger = logging.getLogger(__name__)


def _verify(request) -> HttpResponse:
    """Meta checks the URL once, when it is configured: it must echo ``hub.challenge`` for our verify token."""
    token = request.GET.get("hub.verify_token", "")
    expected = settings.WHATSAPP_VERIFY_TOKEN
    if request.GET.get("hub.mode") != "subscribe" or not expected or not hmac.compare_digest(token, expected):
        return HttpResponseForbidden()
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")


def statuses(payload: dict) -> list[dict]:
    """The status reports in a webhook's payload (messages she receives, if any, are ignored)."""
    found = []
    for entry in payload.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value") or {}
            found.extend(s for s in value.get("statuses") or [] if isinstance(s, dict))
    return found


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def whatsapp_status(request):
    """Statuses sent, delivered, read and failed of the messages sent by WhatsApp. A forged or unsigned request
    is refused (403) before anything is read from it."""
    if request.method == "GET":
        return _verify(request)
    if not signature_is_valid(request.body, request.headers.get("X-Hub-Signature-256", "")):
        logger.warning("whatsapp webhook: invalid signature")
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    for report in statuses(payload if isinstance(payload, dict) else {}):
        services.whatsapp_report(
            provider_message_id=str(report.get("id", "")),
            provider_status=str(report.get("status", "")),
            idempotency_key=str(report.get("biz_opaque_callback_data", "")),
        )
    return HttpResponse(status=200)
