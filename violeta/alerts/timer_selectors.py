"""Reads of "Acompáñame" for the people outside the app: a follower's view of her trip, by its token."""

from django.http import Http404

from violeta.alerts.models import TimerFollower, TimerPosition
from violeta.core.tokens import token_hash


def timer_follower(token: str) -> TimerFollower:
    """The follower a trip timer's message was sent to, by its unguessable token; 404 for an unknown one. The
    page shows her positions only while the timer runs (the view decides)."""
    follower = (
        TimerFollower.objects.select_related("timer", "timer__account", "timer__alert")
        .filter(token_hash=token_hash(token), timer__account__is_active=True)
        .first()
    )
    if follower is None:
        raise Http404
    return follower


def latest_positions(timer, *, limit: int = 20) -> list[TimerPosition]:
    """Her latest positions of the trip, oldest first (the follow page draws the last stretch)."""
    return list(reversed(timer.positions.order_by("-captured_at", "-id")[:limit]))
