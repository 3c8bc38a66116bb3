"""The permission helpers every view calls. Object-level rules live in each app's ``access_*`` selectors."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import resolve_url

from violeta.accounts.models import CASE_ROLES, INTAKE_ROLES, Role
from violeta.audit.services import audit_denied

__all__ = ["CASE_ROLES", "INTAKE_ROLES", "Role", "has_role", "refuse_by_role", "staff_required"]


def has_role(user, roles) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def staff_required(roles=CASE_ROLES):
    """Signed in, active, and with one of ``roles``; otherwise the login page, or a 404 (a refusal must not tell
    that the page, or the case in its URL, exists) audited and flagged with the URL's name only: never the
    URL itself, whose folio or id would put personal data in the log of a refusal."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    # A partial must not swap the login page into the current one: send the browser there.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                refuse_by_role(request)
            return view(request, *args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


def refuse_by_role(request):
    """Audit a role-level refusal (by the URL's name, e.g. ``cases:detail``) and answer 404."""
    match = getattr(request, "resolver_match", None)
    name = (match.view_name if match is not None else "") or "?"
    audit_denied(
        actor=request.user, object_type="url", object_id=name[:64], detail=f"rol {request.user.role or '-'}"
    )
    raise Http404
