"""Sign-in events go to the audit log (the attempted e-mail for failures; never the password).

The role-grant signals that higher apps listen to are in ``violeta.accounts.hooks``.
"""

import time

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.signals import password_reset
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from violeta.accounts.lockout import unlock_account
from violeta.accounts.mfa import refresh_enrolment
from violeta.audit.models import Action
from violeta.audit.services import audit_record

SIGNED_IN_AT = "violeta_signed_in_at"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # The absolute session lifetime counts from here (violeta.core.middleware.IdleTimeoutMiddleware).
        request.session[SIGNED_IN_AT] = int(time.time())
    audit_record(actor=user, action=Action.LOGIN, obj=user)
    refresh_enrolment(request, user)


@receiver(mfa_signals.authenticator_added)
@receiver(mfa_signals.authenticator_removed)
@receiver(mfa_signals.authenticator_reset)
def on_authenticator_change(sender, request, user, **kwargs):
    refresh_enrolment(request, user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if request is not None:
        # The browser forgets what this session left behind (violeta.core.middleware.SecurityHeadersMiddleware).
        request.violeta_clear_site_data = True
    if user is not None:
        audit_record(actor=user, action=Action.LOGOUT, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")
    audit_record(
        actor=None, action=Action.LOGIN_FAILED, actor_label=attempted[:254], object_type="accounts.user"
    )


@receiver(password_reset)
def on_password_reset(sender, request, user, **kwargs):
    """The owner proved she holds the mailbox: lift the locks other people's guesses put on her account."""
    unlock_account(user.email)
    audit_record(actor=user, action=Action.PASSWORD_RESET, obj=user, detail="por correo; bloqueos levantados")


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    """A sign-in is an authentication: re-authentication is asked again 15 minutes after it (decorators.py).

    allauth records its own steps (password, second factor); a sign-in that did not come through it (a test's
    force_login) gets one record so "when did she last authenticate" always has an answer.
    """
    if request is not None and hasattr(request, "session") and not get_authentication_records(request, user):
        record_authentication(request, user, "login")
