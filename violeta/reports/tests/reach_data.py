"""What the reach indicators' tests share: moments in November 2026, her statistics consent, a colonia."""

import datetime

from django.utils import timezone

from violeta.people.models import Consent, ConsentPurpose, Neighborhood
from violeta.reports.indicators import Filters

NOVEMBER = Filters.month(2026, 11)


def at(day: int, month: int = 11, hour: int = 10, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A local moment of 2026 (America/Chihuahua)."""
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute, second))


def statistics_consent(person, by, *, granted: bool = True) -> Consent:
    return Consent.objects.create(
        person=person,
        purpose=ConsentPurpose.STATISTICS,
        granted=granted,
        given_on=datetime.date(2026, 1, 10),
        recorded_by=by,
    )


def centro() -> Neighborhood:
    return Neighborhood.objects.create(
        postal_code="31000", name="Centro de prueba", municipality="Chihuahua", state="Chih."
    )
