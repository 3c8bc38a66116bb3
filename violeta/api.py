"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router. OpenAPI at /api/v1/openapi.json.

Errors have one shape everywhere: ``{"detail": "<a Spanish sentence>", "code": "<stable code>"}``. A Django
``ValidationError`` from a service becomes 400 (429 when it is a rate limit), invalid input 400, a missing
or wrong credential 401, and what does not exist (or is not yours) 404.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError
from ninja.parser import Parser
from ninja.security import django_auth


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

RATE_LIMIT_CODES = frozenset(
    {
        "otp_rate",
        "otp_wait",
        "otp_locked",
        "otp_ip_rate",
        "otp_busy",
        "invitation_rate",
        "pin_locked",
        "card_rate",
    }
)


def first_error(exc: DjangoValidationError) -> tuple[str, str]:
    """The first message of a service's ValidationError (already in Spanish) and its code (or field name)."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        error = errors[0]
        return error.messages[0], error.code or (field if field != "__all__" else "invalid")
    error = exc.error_list[0]
    return error.messages[0], error.code or "invalid"


def error_response(request, status: int, detail: str, code: str, **extra):
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(DjangoValidationError)
def service_error(request, exc):
    detail, code = first_error(exc)
    status = 429 if code in RATE_LIMIT_CODES else 404 if code == "not_found" else 400
    return error_response(request, status, detail, code)


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
    return error_response(request, exc.status_code, str(exc), getattr(exc, "code", "error"))


api.add_router("/mia/", "violeta.alerts.api.router")
api.add_router("/card/", "violeta.card.api.router")


@api.get("/health", auth=None, tags=["sistema"], summary="Estado del servicio")
def health(request):
    return {"status": "ok"}
