"""The second factor: required for every staff role after a grace period to enrol, and not guessable.

- Enrolment: every account signing in through allauth (every staff role: institute staff, partner liaisons,
  merchants' tills, the system administrator) must have a TOTP app or a WebAuthn key (passkey); recovery codes
  come with them. Until ``mfa_grace_until`` (or joined on + MFA_ENROLMENT_GRACE_DAYS) she works with a banner
  asking her to enrol; after it, every page but the enrolment pages and sign-out sends her to enrol.
- Guessing: each wrong code is audited; after MFA_FAILURE_LIMIT in a row the pending sign-in is abandoned and the
  second factor is locked for MFA_LOCKOUT_TIME (those events are flagged). allauth's own "login_failed" rate limit
  stays on as a second layer.
The MIA app (device tokens) and the public pages do not sign in through allauth and are not touched.
"""

from datetime import datetime, timedelta

from allauth.account.internal.stagekit import clear_login
from allauth.core import context as allauth_context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts import services

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# URL names open to a staff member whose grace has ended and who has no second factor yet.
ENROLMENT_URL_NAMES = frozenset({"account_logout", "account_reauthenticate", "favicon"})


def mfa_required(user) -> bool:
    roles = settings.MFA_REQUIRED_ROLES
    return user.is_authenticated and (roles is None or user.role in roles)


def grace_until(user) -> datetime:
    return user.mfa_grace_until or user.date_joined + timedelta(days=settings.MFA_ENROLMENT_GRACE_DAYS)


ENROLLED_SESSION_KEY = "violeta_mfa_enrolled"


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def session_has_second_factor(request) -> bool:
    """Whether she has a second factor, kept in her session (no query per page); refreshed at sign-in and when
    she adds or removes one (signals.py)."""
    enrolled = request.session.get(ENROLLED_SESSION_KEY)
    if enrolled is None:
        enrolled = request.session[ENROLLED_SESSION_KEY] = has_second_factor(request.user)
    return enrolled


def refresh_enrolment(request, user) -> None:
    """At sign-in and when her second factors change: one query then, none on each page."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = has_second_factor(user)


def is_locked(user) -> bool:
    return user.mfa_locked_until is not None and user.mfa_locked_until > timezone.now()


class _LimitedCodeMixin:
    """Wraps allauth's code check: refused while locked, every failure counted and audited."""

    reauthentication = False

    def clean_code(self):
        self.user.refresh_from_db(fields=["mfa_failures", "mfa_locked_until"])
        if is_locked(self.user):
            services.mfa_failure_record(user=self.user, reauthentication=self.reauthentication, locked=True)
            self._abandon()
            raise ValidationError(
                _("Too many wrong codes: the second step is locked for a while. Try again later.")
            )
        try:
            code = super().clean_code()
        except ValidationError:
            locked = services.mfa_failure_record(user=self.user, reauthentication=self.reauthentication)
            if locked:
                self._abandon()
                raise ValidationError(
                    _("Too many wrong codes: the second step is locked for a while. Try again later.")
                ) from None
            raise
        services.mfa_success_record(user=self.user)
        return code

    def _abandon(self):
        request = allauth_context.request
        if not self.reauthentication and request is not None:
            clear_login(request)  # the pending sign-in: she must start again with her password


class LimitedAuthenticateForm(_LimitedCodeMixin, AuthenticateForm):
    pass


class LimitedReauthenticateForm(_LimitedCodeMixin, ReauthenticateForm):
    reauthentication = True


class MFAEnrolmentMiddleware:
    """After the grace period, a staff member without a second factor can only enrol (or sign out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not mfa_required(user):
            return None
        deadline = grace_until(user)
        if session_has_second_factor(request):
            return None
        # The banner in base.html, on every page until she enrols.
        request.mfa_enrolment_due = deadline
        request.mfa_enrolment_overdue = timezone.now() >= deadline
        if not request.mfa_enrolment_overdue:
            return None
        match = request.resolver_match
        name = match.url_name if match else ""
        if name in ENROLMENT_URL_NAMES or name.startswith("mfa_"):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Set up two-step verification to continue."), "code": "mfa_required"}, status=403
            )
        if request.headers.get("HX-Request"):
            # A partial must not swap the enrolment page into the current one: send the browser there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("mfa_index")
            return response
        return redirect("mfa_index")
