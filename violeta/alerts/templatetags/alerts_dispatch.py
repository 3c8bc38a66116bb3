"""The console's hand-off panel (``alerts/console/_dispatch.html``): whether a dispatch channel is configured,
and the alert's hand-offs with their messages, without the alert's view knowing about them."""

from django import template

from violeta.alerts.services.dispatch import dispatch_configured

register = template.Library()


@register.simple_tag
def dispatch_state(alert) -> dict:
    dispatches = list(alert.dispatches.select_related("message", "by"))
    return {
        "configured": dispatch_configured(),
        "last": dispatches[-1] if dispatches else None,
        "count": len(dispatches),
    }
