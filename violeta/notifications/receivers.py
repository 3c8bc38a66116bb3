"""Notices that lower apps ask for through their signals (they never import this app)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from violeta.accounts.hooks import role_grant_decided, role_grant_requested
from violeta.accounts.models import GrantStatus, Role, User
from violeta.notifications.services import notifications_cancel, notify


def _grant_key(grant) -> str:
    return f"accounts.rolegrant:{grant.pk}"


@receiver(role_grant_requested)
def tell_directors_of_a_role_request(sender, grant, **kwargs):
    """Every active director who may decide it (not the one who asked, not the account's owner)."""
    directors = (
        User.objects.filter(role=Role.DIRECTOR, is_active=True)
        .exclude(pk=grant.requested_by_id)
        .exclude(pk=grant.user_id)
    )
    # Neutral: the notice names no one (the screen behind the login does).
    notify(
        recipients=directors,
        kind="role_grant",
        message=_("A role request is waiting for your approval."),
        url=reverse("accounts:grant_list"),
        key=_grant_key(grant),
    )


@receiver(role_grant_decided)
def tell_the_requester_of_the_decision(sender, grant, **kwargs):
    notifications_cancel(key=_grant_key(grant))  # the other directors need not act any more
    if grant.status == GrantStatus.WITHDRAWN or grant.requested_by is None:
        return
    if grant.status == GrantStatus.APPROVED:
        message = _("A role request you made was approved.")
    else:
        message = _("A role request you made was refused.")
    notify(
        recipients=[grant.requested_by],
        kind="role_grant",
        message=message,
        url=reverse("accounts:staff_edit", kwargs={"pk": grant.user_id}),
    )
