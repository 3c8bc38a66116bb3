"""The provider's webhooks: signed delivery reports of messages and of voice calls."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from violeta.messaging import services
from violeta.messaging.backends.twilio import signature_is_valid

logger = logging.getLogger(__name__)


def signed_by_twilio(request) -> bool:
    """Whether a webhook carries Twilio's signature of our URL and its parameters (X-Twilio-Signature)."""
    if not settings.TWILIO_AUTH_TOKEN:
        return False
    url = settings.SITE_URL + request.path
    valid = signature_is_valid(url, request.POST.dict(), request.headers.get("X-Twilio-Signature", ""))
    if not valid:
        logger.warning("sms webhook %s: invalid signature", request.path)
    return valid


@csrf_exempt
@login_not_required
@require_POST
def status_callback(request):
    """Delivery report of a message (queued, sent, delivered, failed, undelivered). A report for a message whose
    send has not been recorded yet is kept and applied then (``services.status_update``)."""
    if not signed_by_twilio(request):
        return HttpResponseForbidden()
    services.status_update(
        provider_message_id=request.POST.get("MessageSid", ""),
        provider_status=request.POST.get("MessageStatus", ""),
    )
    return HttpResponse(status=204)


@csrf_exempt
@login_not_required
@require_POST
def voice_status_callback(request):
    """Progress of a voice call (initiated, ringing, in-progress, completed, busy, no-answer, failed, canceled),
    signed like the SMS reports. The outcome changes the message's state, and the apps above hear of it
    (``signals.message_status_changed``: MIA writes it on the alert's timeline)."""
    if not signed_by_twilio(request):
        return HttpResponseForbidden()
    services.status_update(
        provider_message_id=request.POST.get("CallSid", ""),
        provider_status=request.POST.get("CallStatus", ""),
    )
    return HttpResponse(status=204)
