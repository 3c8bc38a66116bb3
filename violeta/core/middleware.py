import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from violeta.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request) -> str | None:
    """The client's address. Behind a reverse proxy, set VIOLETA_TRUSTED_PROXY_HEADER (e.g. X-Real-IP)."""
    header = getattr(settings, "TRUSTED_PROXY_IP_HEADER", None)
    if header:
        value = request.META.get(header, "").split(",")[0].strip()
        if value:
            return value
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (kept from a proxy's X-Request-ID if well formed) for logs and the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = context.bind(context.RequestContext(request_id=request.request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class IdleTimeoutMiddleware:
    """Logs a staff member out after SESSION_IDLE_TIMEOUT seconds without a request (a shared office desk)."""

    key = "violeta_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.key)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, _("Your session was closed after a period of inactivity. Please sign in again.")
                )
                if request.headers.get("HX-Request"):
                    # A partial must not swap the login page into the current page: send the browser there.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.path)
            # Automatic refreshes (htmx polling marks itself with X-Violeta-Poll) are not activity: a console
            # left open on a shared desk must still time out.
            if request.headers.get("X-Violeta-Poll") != "1":
                request.session[self.key] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy with no third-party origin, and no caching of pages that show personal data."""

    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
