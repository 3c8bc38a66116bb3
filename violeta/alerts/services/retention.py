"""Retention of MIA data: the locations of an alert are deleted once its retention period is over.

``alert_cancel`` and ``alert_close`` set ``purge_after`` (LOCATION_RETENTION_DAYS); the ``locations_purge``
task, the ``mia_purge`` command and the privacy app's ``retention_run`` delete what is past it.
``locations_purge`` is one transaction: Django runs a queryset's delete in one (inside the caller's, when
``retention_run`` calls it together with its audit record).
"""

from datetime import datetime

from django.utils import timezone

from violeta.alerts.models import AlertLocation


def locations_purge(*, now: datetime | None = None) -> int:
    """Delete the locations of alerts whose retention period is over. Returns how many were deleted."""
    now = now or timezone.now()
    deleted, _rows = AlertLocation.objects.filter(alert__purge_after__lte=now).delete()
    return deleted
