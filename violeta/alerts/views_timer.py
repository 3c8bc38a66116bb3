""" "Acompáñame" outside the app: the page a follower opens from her message, and the strings of the app's
timer screen (``static/alerts/mia-timer.js``).

The follow page is public on purpose (the follower has only the unguessable link in her message), never cached
or indexed, and shows nothing of the woman but her chosen name, her latest positions while the timer runs and
the time left. Once the timer has ended it says so; once it has raised the alert, it says the alert is under way
(the follower, one of her contacts, got the alert's own message with the live page's link).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from violeta.alerts import timer_selectors
from violeta.alerts.models import TripTimerStatus
from violeta.alerts.services.timer import duration_bounds
from violeta.alerts.views import HTMX_STOP_POLLING, _plot, _position, _private

PRESET_MINUTES = (10, 15, 20, 30, 45, 60, 90, 120)


def _follow_context(follower, token: str) -> dict:
    timer = follower.timer
    now = timezone.now()
    context = {"token": token, "name": timer.account.display_name, "timer": timer, "now": now}
    if timer.is_active:
        positions = [_position(p, now) for p in timer_selectors.latest_positions(timer)]
        left = max(0, int((timer.deadline - now).total_seconds()))
        context.update(
            position=positions[-1] if positions else None,
            plot=_plot(positions),
            left_minutes=left // 60,
            left_seconds=left % 60,
        )
    context["alerted"] = timer.status in (TripTimerStatus.EXPIRED, TripTimerStatus.DURESS)
    return context


@login_not_required
@require_GET
def follow(request, token):
    """What a follower sees when she opens the link of her message."""
    follower = timer_selectors.timer_follower(token)
    return _private(TemplateResponse(request, "alerts/live/follow.html", _follow_context(follower, token)))


@login_not_required
@require_GET
def follow_state(request, token):
    """htmx: the changing part of the follow page; once the timer is over, the last word and no more polling."""
    follower = timer_selectors.timer_follower(token)
    if not request.htmx:
        raise Http404
    context = _follow_context(follower, token)
    status = 200 if follower.timer.is_active else HTMX_STOP_POLLING
    return _private(TemplateResponse(request, "alerts/live/follow.html#state", context, status=status))


def timer_strings() -> dict:
    """What mia-timer.js shows (translated here) and the durations she may choose, in seconds."""
    shortest, longest = duration_bounds()
    choices = sorted({m * 60 for m in PRESET_MINUTES if shortest <= m * 60 <= longest} | {shortest})
    return {
        "durations": [
            {
                "seconds": s,
                "label": _("%(n)d min") % {"n": s // 60} if s >= 60 else _("%(n)d s") % {"n": s},
            }
            for s in choices
        ],
        "noFollowers": _("Nobody follows your trip: your contacts get the alert only if the timer runs out."),
        "left": _("%(time)s left"),
        "until": _("Until %(time)s"),
        "ended": _("Timer ended. Have a good rest of the day."),
        "fired": _("The time ran out: your alert was sent to your contacts."),
        "noContacts": _("Add at least one contact before starting a timer."),
    }
