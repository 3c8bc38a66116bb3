"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router. OpenAPI at /api/v1/openapi.json.

Errors have one shape everywhere: ``{"detail": "<a Spanish sentence>", "code": "<stable code>"}``, every code in
``ERROR_CODES`` (docs/api.md lists them; a test keeps the two equal). A Django ``ValidationError`` from a service
becomes 400 (429 with Retry-After when it is a rate limit), invalid input 400, a missing or wrong credential 401,
a role that may not 403, what does not exist (or is not yours) 404, the database unreachable 503 with
Retry-After. What fails outside the routers (an unknown path, a middleware, a body too large) is answered by
violeta.core.errors in the same shape. Creating endpoints take an ``Idempotency-Key`` (violeta.core.idempotency).
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError
from ninja.parser import Parser
from ninja.security import django_auth

from violeta.core import errors

logger = logging.getLogger(__name__)


class NotAnObject(ValueError):
    """The body is JSON, but not the object every endpoint's schema describes."""


class ObjectParser(Parser):
    """Every request body is one JSON object. ninja's schemas read attributes from whatever they are given, so
    without this a JSON array passed as an empty change (``PATCH /mia/me`` with ``[]`` answered 200)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObject
        return data


api = NinjaAPI(
    title="Violeta API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,
    parser=ObjectParser(),
)


def _mia(name: str) -> int:
    return settings.MIA[name]


#: A service's rate-limit codes (answered 429) and the Retry-After of each: when a retry may succeed (seconds).
#: ``pin_locked`` has none: waiting does not help (only the monitors can end that alert).
RATE_LIMITS = {
    "otp_wait": lambda: _mia("OTP_RESEND_SECONDS"),
    "otp_rate": lambda: 60 * 60,
    "otp_ip_rate": lambda: 60 * 60,
    "otp_locked": lambda: _mia("OTP_RESEND_SECONDS"),
    "otp_busy": lambda: 5 * 60,
    "invitation_rate": lambda: 24 * 60 * 60,
    "pin_locked": None,
    "card_rate": lambda: 60,
}

#: Every code the API answers with: its status and what it means (docs/api.md holds the same table).
ERROR_CODES = {
    # Any endpoint
    "invalid": (
        400,
        "The request is not valid: a field (listed in ``fields``), not JSON, or not a JSON object.",
    ),
    "unauthorized": (401, "No credential or a wrong one: sign in again (MIA: a new device token)."),
    "session_expired": (401, "The staff session ended (idle or too long): sign in again."),
    "forbidden": (403, "The account's role may not use this endpoint."),
    "csrf_failed": (403, "A session call without its CSRF token (X-CSRFToken header)."),
    "mfa_required": (403, "The staff account must set up two-step verification first."),
    "not_found": (404, "It does not exist, or it is not yours to see."),
    "method_not_allowed": (405, "The path exists but not with this method (see the Allow header)."),
    "payload_too_large": (413, "The body is larger than the server accepts."),
    "rate_limited": (429, "Too many requests (see Retry-After)."),
    "idempotency_key_reused": (422, "The Idempotency-Key was already used with a different request."),
    "idempotency_key_in_progress": (
        409,
        "A request with the same Idempotency-Key is still running: retry later.",
    ),
    "server_error": (500, "An error on the server's side; nothing is half-written. Retry later."),
    "database_unavailable": (
        503,
        "The database cannot be reached right now: retry after Retry-After seconds.",
    ),
    "not_ready": (
        503,
        "GET /health only: text messages are not going out (the sender or the outbox; see ``failing``).",
    ),
    # MIA: sign-up and settings (a field's name is the code of a mistake in that field)
    "otp_wait": (429, "A code was sent less than a minute ago (429, Retry-After)."),
    "otp_rate": (429, "Too many codes for this number this hour (429, Retry-After)."),
    "otp_ip_rate": (429, "Too many codes from this address (429, Retry-After)."),
    "otp_busy": (429, "Too many codes requested in all right now (429, Retry-After)."),
    "otp_locked": (429, "Too many wrong codes: ask for a new one (429)."),
    "phone": (400, "The phone number is not valid, is hers, or is already a contact."),
    "code": (400, "The verification code is wrong or expired, or the number is not verified yet."),
    "not_test": (400, "Only a test alert ends without the PIN (POST /mia/alerts/{id}/end-test)."),
    "pin": (400, "The PIN is not 4 to 8 digits, or it is wrong."),
    "duress_pin": (400, "The emergency PIN is not valid or equals the PIN."),
    "display_name": (400, "The name for the SMS is missing or too long."),
    "countdown_seconds": (400, "The countdown is not between 3 and 30 seconds."),
    "update_interval_seconds": (400, "The location interval is not between 30 and 900 seconds."),
    # MIA: contacts and alerts
    "name": (400, "The contact's name is missing."),
    "max": (400, "She already has the maximum number of contacts."),
    "channel": (400, "The contact's channel is not available (WhatsApp is not switched on)."),
    "invitation_rate": (429, "Too many contacts added today (429, Retry-After)."),
    "no_contacts": (400, "An alert needs at least one contact."),
    "client_id": (400, "The alert's client_id is missing."),
    "location": (400, "The coordinates or the time of a location are not valid."),
    "inactive": (400, "The alert is no longer active."),
    "pin_locked": (
        429,
        "Too many wrong PINs: the alert stays active, a trip timer keeps running (429, no Retry-After).",
    ),
    # MIA: "Acompáñame", the trip timer
    "duration": (400, "The timer's duration is outside TIMER_MIN_MINUTES to TIMER_MAX_MINUTES."),
    "followers": (400, "A follower chosen is not one of her contacts."),
    "timer_active": (400, "She already has a timer running: end it first."),
    "timer_ended": (400, "The timer has ended: no more positions for it."),
    # Card validation at a till
    "number": (400, "Neither the card number nor the QR token was sent."),
    "branch_id": (400, "The branch does not belong to the business."),
    "card_rate": (429, "Too many validations in a short time (429, Retry-After)."),
}


def first_error(exc: DjangoValidationError) -> tuple[str, str]:
    """The first message of a service's ValidationError (already in Spanish) and its stable code: the error's
    own code when it is one of ours (``otp_wait``, ``pin_locked``…), else the field's name (``phone``), else
    ``invalid``. Django's generic codes (``blank``, ``max_length`` from a model's full_clean) are not ours."""
    field = None
    if hasattr(exc, "error_dict"):
        field, field_errors = next(iter(exc.error_dict.items()))
        error = field_errors[0]
    else:
        error = exc.error_list[0]
    for code in (error.code, field):
        if code in ERROR_CODES:
            return error.messages[0], code
    if error.code or field not in (None, "__all__"):
        logger.warning("api: undocumented error code %r (field %r) answered as 'invalid'", error.code, field)
    return error.messages[0], "invalid"


def error_response(request, status: int, detail: str, code: str, **extra):
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(DjangoValidationError)
def service_error(request, exc):
    detail, code = first_error(exc)
    status = ERROR_CODES[code][0]  # 400 for a field, 429 for a rate limit, 404 for not_found
    response = error_response(request, status, detail, code)
    retry_after = RATE_LIMITS.get(code)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after())
    return response


@api.exception_handler(InputError)
def input_error(request, exc):
    fields = sorted(
        {str(loc[-1]) for loc in (tuple(error.get("loc", ())) for error in exc.errors) if len(loc) > 1}
        - {"payload"}
    )
    if fields:
        detail = _("Check these fields: %(fields)s.") % {"fields": ", ".join(fields)}
    else:
        detail = _("The request is not valid.")
    return error_response(request, 400, detail, "invalid", fields=fields)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = error_response(request, 401, _("Sign in again on this device."), "unauthorized")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, 404, _("Not found."), "not_found")


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, NotAnObject):  # ninja wraps the parser's errors in an English HttpError
        return error_response(request, 400, _("The request body must be a JSON object."), "invalid")
    if str(exc).startswith("Cannot parse request body"):  # not JSON at all
        return error_response(request, 400, _("The request body is not valid JSON."), "invalid")
    if exc.status_code == 403 and str(exc) == "CSRF check Failed":  # ninja's session auth, in English
        detail = _("The security token of the request is missing or expired. Reload and try again.")
        return error_response(request, 403, detail, "csrf_failed")
    code = getattr(exc, "code", None) or errors.code_for_status(exc.status_code)
    return error_response(request, exc.status_code, str(exc), code)


@api.exception_handler(errors.OperationalError)
@api.exception_handler(errors.InterfaceError)
def database_unavailable(request, exc):
    """The database is unreachable (restarting, a dropped connection): 503 with Retry-After, not a 500."""
    logger.warning("api: database unavailable on %s: %s", request.path, exc)
    return errors.database_unavailable(request)


@api.exception_handler(Exception)
def unexpected(request, exc):
    """Everything else goes to Django: it logs the error with its traceback and answers with handler500
    (violeta.core.errors.server_error: JSON 500 ``server_error``, no detail of the error)."""
    raise exc


api.add_router("/mia/", "violeta.alerts.api.router")
api.add_router("/mia/", "violeta.alerts.api_timer.router")
api.add_router("/card/", "violeta.card.api.router")


@api.get(
    "/health", auth=None, response={200: dict, 503: dict}, tags=["sistema"], summary="Estado del servicio"
)
def health(request):
    """The same checks as /readyz (database, sender heartbeat, outbox): 503 with the failing ones named."""
    from violeta.messaging.health import outbox_state
    from violeta.messaging.views_health import readiness_response

    return readiness_response(outbox_state())
