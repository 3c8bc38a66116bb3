"""Sign-in events go to the audit log (the attempted e-mail for failures; never the password).

Also the hooks through which higher apps react to role grants (accounts never imports them): the notifications
app tells the directors of a new request and the requester of the decision.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from violeta.audit.models import Action
from violeta.audit.services import audit_record

# Sent inside the service's transaction with ``grant`` (a RoleGrant).
role_grant_requested = Signal()
role_grant_decided = Signal()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=Action.LOGIN, obj=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=Action.LOGOUT, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")
    audit_record(
        actor=None, action=Action.LOGIN_FAILED, actor_label=attempted[:254], object_type="accounts.user"
    )
