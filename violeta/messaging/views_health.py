"""Probes for supervisors and load balancers: ``/healthz`` (the process answers) and ``/readyz`` (it can do its
work: the database answers, a sender is beating, the outbox is moving). Public on purpose, and so they show
only counts and ages (``violeta.messaging.health``), never anything about a person."""

import math

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from violeta.core import errors
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
    """The state as JSON: 200, or 503 with Retry-After and, as every error of the API (``/api/v1/health`` answers
    this too), a Spanish ``detail`` and a stable ``code``: ``database_unavailable`` or ``not_ready``."""
    body = state.as_json()
    if state.ok:
        return JsonResponse(body)
    if not state.database:
        body.update(detail=errors.detail_for_status(503), code="database_unavailable")
        retry_after = settings.DATABASE_RETRY_AFTER_SECONDS
    else:
        body.update(
            detail=_("Violeta is answering, but text messages are not going out right now."), code="not_ready"
        )
        retry_after = max(1, math.ceil(settings.MESSAGING["HEARTBEAT_SECONDS"]))
    response = JsonResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    return response
