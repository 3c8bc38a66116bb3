"""Errors the way a person and a program can act on them, wherever they are raised (view, middleware, router).

Under ``/api/`` every failure is JSON ``{"detail": "<Spanish sentence>", "code": "<stable code>"}`` (the
catalogue of codes is ``violeta.api.ERROR_CODES``, documented in docs/api.md). Elsewhere, Spanish pages.

The database being unreachable (``OperationalError`` / ``InterfaceError``: the server restarting, a dropped
connection) is not a bug of the request: it answers 503 with ``Retry-After`` (settings.DATABASE_RETRY_AFTER_SECONDS)
so that the MIA app and the tills retry, instead of "Server Error (500)". These handlers never touch the database.
"""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from ninja.errors import HttpError

#: What "the database is unreachable" looks like to Django, on SQLite and PostgreSQL alike.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

#: The code of an error response under /api/ that is not JSON yet (a 405 from the router…), by its status;
#: any other 4xx is ``invalid`` and any other 5xx ``server_error``.
CODE_BY_STATUS = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
    500: "server_error",
    503: "database_unavailable",
}

#: The codes this module answers with (violeta.api.ERROR_CODES documents them with the rest).
CODES = frozenset(CODE_BY_STATUS.values()) | {"session_expired"}


def code_for_status(status: int) -> str:
    return CODE_BY_STATUS.get(status) or ("server_error" if status >= 500 else "invalid")


class ApiError(HttpError):
    """An HttpError with its stable code: ``raise ApiError(403, _("…"), code="forbidden")``."""

    def __init__(self, status_code: int, message: str, *, code: str):
        super().__init__(status_code, message)
        self.code = code


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def api_error(status: int, detail: str, code: str, **extra) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code, **extra}, status=status)


def detail_for_status(status: int) -> str:
    details = {
        400: _("The request is not valid."),
        401: _("Sign in again on this device."),
        403: _("You do not have permission for this."),
        404: _("Not found."),
        405: _("This address does not accept that method."),
        413: _("The request is too large."),
        429: _("Too many requests. Wait a moment and try again."),
        503: _("The service is temporarily unavailable. Try again in a few seconds."),
    }
    return details.get(status, _("Something went wrong on our side. Try again later."))


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) means the database cannot be reached right now."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, a plain Spanish page elsewhere (no database, no user menu)."""
    detail = detail_for_status(503)
    if is_api(request):
        response = api_error(503, detail, "database_unavailable")
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    return response


def server_error(request) -> HttpResponse:
    """handler500: what Django answers for an exception nobody handled (in a view or in a middleware)."""
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        return database_unavailable(request)
    if is_api(request):
        return api_error(500, detail_for_status(500), "server_error")
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def bad_request(request, exception=None) -> HttpResponse:
    """handler400: a request Django refuses before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE…)."""
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    if is_api(request):
        return api_error(status, detail_for_status(status), "payload_too_large" if too_large else "invalid")
    return HttpResponse(loader.render_to_string("400.html"), status=status)
