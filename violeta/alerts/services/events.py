"""The alert's own timeline beside its messages: ``alert_event_record`` writes a line in the caller's transaction.

The console (``alerts.views._timeline``) shows each line with its time and, when it sent a message, that
message's channel and state. What a line says is for the monitors: never where she is.
"""

from violeta.alerts.models import Alert, AlertEvent


def alert_event_record(*, alert: Alert, kind: str, detail: str = "", message=None, by=None) -> AlertEvent:
    """One line on the alert's timeline (``AlertEventKind``), in the caller's transaction."""
    return AlertEvent.objects.create(alert=alert, kind=kind, detail=detail[:200], message=message, by=by)
