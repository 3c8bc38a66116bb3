"""Sign-in lockout: per account AND address, with delays that grow, never one lock for everybody.

django-axes counts failed sign-ins per (account, address) combination (``AXES_LOCKOUT_PARAMETERS``). Five
failures lock that combination only: the same account from another address, and other accounts from the same
address, still sign in. Each new lockout of the same combination within a day lasts longer
(``AXES_COOLOFF_MINUTES``: 5, 15, 60, 240, 1440 minutes); a successful sign-in from that address forgets the
progression, and a password reset by e-mail lifts every lock on the account (the owner's way back in when
someone else's guesses locked her out).

allauth authenticates with ``email=...`` (its form field is ``login``), so axes, which looks for
``AXES_USERNAME_FORM_FIELD`` in the credentials, used to record every failure with an empty username: one lock
shared by all staff. ``username_from`` reads the address allauth actually passes.
"""

import hashlib
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from violeta.audit.models import Action
from violeta.audit.services import audit_record

_USERNAME_ATTR = "violeta_axes_username"
LEVEL_MEMORY = timedelta(days=1)


def _normalise(value) -> str | None:
    value = str(value or "").strip().lower()
    return value[:254] or None


def username_from(request, credentials=None) -> str | None:
    """The attempted account (AXES_USERNAME_CALLABLE): allauth passes ``email``; its form posts ``login``."""
    if credentials:
        value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    else:
        data = getattr(request, "POST", None) or {}
        value = data.get("login") or data.get("email")
    username = _normalise(value)
    if username is None and request is not None:
        username = getattr(request, _USERNAME_ATTR, None)
    if username is None and request is not None:
        # Re-authentication of a signed-in member: her own account, never one lock shared by everybody.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            username = _normalise(user.get_username())
    if request is not None and username is not None:
        setattr(request, _USERNAME_ATTR, username)  # the cool-off callable only receives the request
    return username


def _steps() -> list[timedelta]:
    return [timedelta(minutes=m) for m in settings.AXES_COOLOFF_MINUTES]


def _level_key(username: str | None, ip: str | None) -> str:
    digest = hashlib.sha256(f"{username or ''}|{ip or ''}".encode()).hexdigest()
    return f"axes:level:{digest}"


def _ip(request) -> str | None:
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None)
    if ip is None:
        from violeta.core.middleware import client_ip

        ip = client_ip(request)
    return ip


def lockouts_so_far(username: str | None, ip: str | None) -> int:
    return int(cache.get(_level_key(username, ip), 0))


def cool_off(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: how long failures count and a lock lasts, for this request's account and address.

    Before the first lockout failures count for the first step; the n-th lockout lasts the n-th step.
    """
    steps = _steps()
    if request is None:
        return steps[0]
    username = getattr(request, _USERNAME_ATTR, None) or username_from(request)
    level = lockouts_so_far(username, _ip(request))
    return steps[min(max(level, 1), len(steps)) - 1]


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the Spanish page that says how long, and how the owner gets back in."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    context = {"minutes": minutes, "failure_limit": get_failure_limit(request, credentials)}
    return render(request, "accounts/locked_out.html", context, status=429)


def unlock_account(username: str) -> int:
    """Lift every lock on an account (after its owner proved herself by resetting the password)."""
    count, _ = AccessAttempt.objects.filter(username=_normalise(username)).delete()
    return count


class ProgressiveLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with per-combination expiry, a growing level, and lockouts in the audit log."""

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        # axes would delete everybody's attempts older than *this* request's cool-off; with delays that differ
        # per combination that would cut other people's longer locks short. Delete only what is stale for every
        # level, and this combination's own stale attempts.
        longest = max(_steps())
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - longest).delete()
        if request is not None and getattr(request, "axes_attempt_time", None) is not None:
            threshold = request.axes_attempt_time - cool_off(request)
            for attempts in self.filter_user_attempts(request, credentials):
                deleted, _ = attempts.filter(attempt_time__lt=threshold).delete()
                count += deleted
        return count

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked or not getattr(request, "axes_locked_out", False):
            return
        username = get_client_username(request, credentials)
        key = _level_key(username, request.axes_ip_address)
        level = lockouts_so_far(username, request.axes_ip_address) + 1
        cache.set(key, level, timeout=int(max(LEVEL_MEMORY, 2 * max(_steps())).total_seconds()))
        minutes = int(cool_off(request).total_seconds() // 60)
        audit_record(
            actor=None,
            action=Action.LOCKOUT,
            actor_label=username or "",
            object_type="accounts.user",
            detail=f"bloqueo {level} de esta cuenta desde esta dirección: {minutes} min",
        )

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        cache.delete(_level_key(_normalise(user.get_username()), getattr(request, "axes_ip_address", None)))
