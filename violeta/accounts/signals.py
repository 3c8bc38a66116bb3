"""Sign-in events go to the audit log (the attempted e-mail for failures; never the password).

Also the hooks through which higher apps react to role grants (accounts never imports them): the notifications
app tells the directors of a new request and the requester of the decision.
"""

import time

from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from violeta.accounts.lockout import unlock_account
from violeta.audit.models import Action
from violeta.audit.services import audit_record

# Sent inside the service's transaction with ``grant`` (a RoleGrant).
role_grant_requested = Signal()
role_grant_decided = Signal()

SIGNED_IN_AT = "violeta_signed_in_at"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # The absolute session lifetime counts from here (violeta.core.middleware.IdleTimeoutMiddleware).
        request.session[SIGNED_IN_AT] = int(time.time())
    audit_record(actor=user, action=Action.LOGIN, obj=user)


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
