"""Retention of MIA data: the locations of an alert, and the positions of a trip timer, are deleted once its
retention period is over, and with them the text of an alert's hand-offs to 9-1-1 (the only messages that carry a
location; their state stays on the timeline).

``alert_cancel`` and ``alert_close`` set ``purge_after`` (LOCATION_RETENTION_DAYS); the ``locations_purge``
task, the ``mia_purge`` command and the privacy app's ``retention_run`` delete what is past it. A trip timer
sets its own ``purge_after`` when it ends (``timer``). ``locations_purge`` is one transaction: Django runs a
queryset's delete in one (inside the caller's, when ``retention_run`` calls it together with its audit record).
"""

from datetime import datetime

from django.utils import timezone

from violeta.alerts.models import AlertLocation, TimerPosition
from violeta.messaging.models import Message, MessageKind, MessageStatus

# A message in one of these states is never sent again: its text is no longer needed.
FINAL = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.READ,
    MessageStatus.GAVE_UP,
    MessageStatus.WITHDRAWN,
)


def locations_purge(*, now: datetime | None = None) -> int:
    """Delete the locations of alerts and timers whose retention period is over. Returns how many."""
    now = now or timezone.now()
    deleted, _rows = AlertLocation.objects.filter(alert__purge_after__lte=now).delete()
    Message.objects.filter(
        kind=MessageKind.DISPATCH, alert_link__alert__purge_after__lte=now, status__in=FINAL
    ).update(body="")
    positions, _rows = TimerPosition.objects.filter(timer__purge_after__lte=now).delete()
    return deleted + positions
