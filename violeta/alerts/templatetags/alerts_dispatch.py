"""The console's hand-off panel (``alerts/console/_dispatch.html``): whether a dispatch channel is configured,
and the alert's hand-offs with their messages, without the alert's view knowing about them."""

from django import template

from violeta.alerts.services.dispatch import dispatch_configured

register = template.Library()


@register.simple_tag
def dispatch_state(alert) -> dict:
    if not dispatch_configured():  # no button and nothing to read: the page says so in one line
        return {"configured": False, "last": None, "count": 0}
    dispatches = list(alert.dispatches.select_related("message", "by"))  # one query, however many
    return {
        "configured": True,
        "last": dispatches[-1] if dispatches else None,
        "count": len(dispatches),
    }
