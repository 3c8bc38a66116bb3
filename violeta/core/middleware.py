import functools
import ipaddress
import os
import re
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from violeta.core import context, errors

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: the one place the audit log and every per-address limit get it from.

    REMOTE_ADDR, unless that peer is one of settings.TRUSTED_PROXIES; then settings.TRUSTED_PROXY_IP_HEADER
    (e.g. X-Forwarded-For) is read from the right, skipping the trusted proxies, and the first other address is
    the client. Whatever a client writes into the header itself stays to the left of that and is never used.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    trusted = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    header = getattr(settings, "TRUSTED_PROXY_IP_HEADER", "") or ""
    peer_address = _address(peer or "")
    if not (trusted and header and peer_address is not None):
        return peer
    if not any(peer_address in net for net in trusted):
        return peer  # not our proxy: its header is whatever the client wrote
    key = "HTTP_" + header.upper().replace("-", "_")
    hops = [hop for hop in request.META.get(key, "").split(",") if hop.strip()]
    client = peer_address
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage to the left of the hops our proxies wrote: stop at the last good one
        client = address
        if not any(address in net for net in trusted):
            break
    return str(client)


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
    """Ends a staff session after SESSION_IDLE_TIMEOUT seconds without a request (a shared office desk), and
    SESSION_ABSOLUTE_LIFETIME seconds after signing in however active it stays (a stolen session does not last).
    """

    key = "violeta_last_seen"
    signed_in_key = "violeta_signed_in_at"  # written at sign-in by violeta.accounts.signals

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.key)
            signed_in_at = request.session.get(self.signed_in_key)
            if signed_in_at is None or now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                return self._end(
                    request, _("Your session reached its maximum duration. Please sign in again.")
                )
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self._end(
                    request, _("Your session was closed after a period of inactivity. Please sign in again.")
                )
            # Automatic refreshes (htmx polling marks itself with X-Violeta-Poll) are not activity: a console
            # left open on a shared desk must still time out.
            # Written only when the stored time is SESSION_ACTIVITY_GRANULARITY seconds old or more: a write of
            # the session on every request cost a sixth of a card validation. The idle timeout then ends a
            # session between SESSION_IDLE_TIMEOUT minus the granularity and SESSION_IDLE_TIMEOUT after her last
            # request: early, never late.
            stale = last_seen is None or now - last_seen >= settings.SESSION_ACTIVITY_GRANULARITY
            if stale and request.headers.get("X-Violeta-Poll") != "1":
                request.session[self.key] = now
        return self.get_response(request)

    @staticmethod
    def _end(request, message):
        logout(request)
        if errors.is_api(request):
            # A program cannot follow a redirect to the sign-in page: it is told to sign in again.
            return _clear_site_data(request, errors.api_error(401, message, "session_expired"))
        # The new, anonymous session carries the message to the sign-in page: keep its cookie, clear the rest.
        request.violeta_clear_site_data = '"cache", "storage"'
        messages.info(request, message)
        if request.headers.get("HX-Request"):
            # A partial must not swap the login page into the current page: send the browser there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
        else:
            response = redirect_to_login(request.path)
        return _clear_site_data(request, response)


def _clear_site_data(request, response):
    """After a logout the browser drops the pages, storage and cookies the session left (violeta.accounts.signals
    marks the request)."""
    value = getattr(request, "violeta_clear_site_data", None)
    if value:
        response["Clear-Site-Data"] = value if isinstance(value, str) else '"cache", "cookies", "storage"'
    return response


class ApiErrorMiddleware:
    """Under /api/, an error answer that is not JSON yet becomes the API's JSON error with its stable code: a 405
    from django-ninja's router, or what a layer that knows nothing of the API answered. The JSON replaces the body
    only, so every header (Allow, Retry-After, WWW-Authenticate, Cache-Control…) stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and errors.is_api(request)
            and not response.streaming
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            body = errors.api_error(status, errors.detail_for_status(status), errors.code_for_status(status))
            response.content = body.content
            response["Content-Type"] = body["Content-Type"]
        return response


def csp_origin(url_template: str) -> str:
    """The origin a URL template loads from, as a Content-Security-Policy writes it (``{s}.``: any subdomain)."""
    parts = urlsplit(url_template)
    host = parts.netloc.replace("{s}", "*")
    if parts.scheme not in ("https", "http") or not host or "{" in host:
        raise ImproperlyConfigured(
            f"not an http(s) address whose host varies by {{s}} at most: {url_template!r}"
        )
    return f"{parts.scheme}://{host}"


class SecurityHeadersMiddleware:
    """Content-Security-Policy with no third-party origin (but the map tiles an institute configures, images
    only), and no caching of pages that show personal data."""

    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response
        # The one exception, for images only: the tiles of the statistics dashboard's map, when configured.
        # (from the environment; a setting of the same name overrides it, as reports.colonias.setting reads it)
        tiles = getattr(settings, "REPORTS_MAP_TILES_URL", os.environ.get("REPORTS_MAP_TILES_URL", ""))
        if tiles:
            self.csp = self.csp.replace("img-src 'self' data:;", f"img-src 'self' data: {csp_origin(tiles)};")

    # Only MIA (her app) asks for her location, when she raises an alert; no other page may.
    location_prefix = "/mia/"

    def __call__(self, request):
        response = _clear_site_data(request, self.get_response(request))
        response.setdefault("Content-Security-Policy", self.csp)
        location = "(self)" if request.path_info.startswith(self.location_prefix) else "()"
        response.setdefault("Permissions-Policy", f"camera=(), microphone=(), geolocation={location}")
        if self._private(request) or self._public_page(request, response):
            response["Cache-Control"] = "no-store"
        return response

    def _public_page(self, request, response) -> bool:
        """A page of the public site (any HTML page but MIA's, which caches its own shell): never kept by the
        browser, so a shared or checked phone does not hold it and Back after the quick exit fetches it again."""
        return response.get("Content-Type", "").startswith("text/html") and not request.path_info.startswith(
            self.location_prefix
        )

    @staticmethod
    def _private(request) -> bool:
        """Whose answer may hold personal data: a signed-in person's, any API call's (MIA's bearer token is not a
        session), and any answer to a form she sent (an application shown again with her data)."""
        try:
            if getattr(request, "user", None) is not None and request.user.is_authenticated:
                return True
        except errors.DATABASE_UNAVAILABLE:
            return True  # who she is cannot be known right now: assume the answer is hers alone
        return request.path_info.startswith("/api/") or request.method not in ("GET", "HEAD", "OPTIONS")


_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


class NulByteMiddleware:
    """Refuses, with a clear 400, any request that carries a NUL byte in its address, form fields or JSON body.

    No field of Violeta can hold one (PostgreSQL text refuses it, and no person types it), and a raw ``.get()``
    that passes one to the database is a server error. One check here covers every form, search box and API
    string, present and future. File contents are not checked (a PDF holds NUL bytes); their names are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if "\x00" in request.path_info or _has_nul(request.GET.keys()):
            return True
        if any(_has_nul(values) for _key, values in request.GET.lists()):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                fields, files = request.POST, request.FILES
            except Exception:  # a malformed body: the view's own parsing answers it
                return False
            if _has_nul(fields.keys()) or any(_has_nul(values) for _key, values in fields.lists()):
                return True
            return any("\x00" in (upload.name or "") for upload in files.values())
        if content_type.endswith("json"):
            try:
                body = request.body
            except Exception:  # too large or unreadable: the view's own parsing answers it
                return False
            return b"\x00" in body or bool(_JSON_NUL.search(body))
        return False

    @staticmethod
    def _refuse(request):
        detail = _(
            "The request contains a character that is not allowed (a null byte). Remove it and try again."
        )
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": detail, "code": "invalid"}, status=400)
        title = _("Request not valid")
        return HttpResponseBadRequest(
            f"<!doctype html><meta charset=utf-8><title>{title}</title><p>{detail}</p>",
            content_type="text/html; charset=utf-8",
        )
