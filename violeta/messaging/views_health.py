"""Probes for supervisors and load balancers: ``/healthz`` (the process answers) and ``/readyz`` (it can do its
work: the database answers, a sender is beating, the outbox is moving). Public on purpose, and so they show
only counts and ages (``violeta.messaging.health``), never anything about a person."""

import math

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from violeta.messaging.health import OutboxState, outbox_state


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """The web process is up and answering. No database access: a restart would not fix the database."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request):
    """200 when every check passes; 503, naming the failing checks, with Retry-After, when one does not."""
    return readiness_response(outbox_state())


def readiness_response(state: OutboxState) -> JsonResponse:
    response = JsonResponse(state.as_json(), status=200 if state.ok else 503)
    if not state.ok:
        response["Retry-After"] = str(max(1, math.ceil(settings.MESSAGING["HEARTBEAT_SECONDS"])))
    return response
