"""Reads of a staff member's own notices. Nobody reads another's: every query is scoped to the recipient."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from violeta.notifications import visibility
from violeta.notifications.models import Notification


def inbox(user) -> QuerySet[Notification]:
    """Her delivered notices, without those about a case she may not (or no longer) see."""
    return Notification.objects.visible().filter(recipient=user).filter(visibility.case_filter(user))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user).filter(read_at__isnull=True).count()


def own_notification(user, pk: int) -> Notification:
    return get_object_or_404(inbox(user), pk=pk)
