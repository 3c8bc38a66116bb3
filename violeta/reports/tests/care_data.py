"""Small helpers to build the care indicators' hand-counted data sets: through the apps' services, then moved in
time (services stamp ``now``; the figures are about a past month)."""

import datetime

from django.utils import timezone

from violeta.cases.models import Case, CaseEvent, EventKind
from violeta.cases.services import case_close, case_reopen
from violeta.cases.tests.factories import CaseFactory
from violeta.people.models import Consent, ConsentPurpose, Neighborhood
from violeta.people.tests.factories import PersonFactory
from violeta.reports.indicators import Filters

NOVEMBER = Filters.month(2026, 11)


def at(day: int, month: int = 11, hour: int = 10, year: int = 2026) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def on(day: int, month: int = 11, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day)


def stamp(obj, **fields):
    """Move a row in time (or change what a service would not let a test set) without touching anything else."""
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    obj.refresh_from_db()
    return obj


def centro() -> Neighborhood:
    return Neighborhood.objects.create(
        postal_code="31000", name="Centro de prueba", municipality="Chihuahua", state="Chih."
    )


def woman(*, born: datetime.date | None = None, neighborhood=None, consented_by=None):
    """A woman; with ``consented_by``, her statistics consent is recorded."""
    person = PersonFactory(
        birth_date=born or datetime.date(1980, 6, 1), approximate_age=None, neighborhood=neighborhood
    )
    if consented_by is not None:
        Consent.objects.create(
            person=person,
            purpose=ConsentPurpose.STATISTICS,
            granted=True,
            given_on=datetime.date(2026, 1, 10),
            recorded_by=consented_by,
        )
    return person


def case_opened(when: datetime.datetime, *, by, holder=None, team=()) -> Case:
    case = CaseFactory(holder=holder or woman(), opened_by=by, team=team)
    return stamp(case, opened_at=when)


def _last_event(case: Case, kind: str, when: datetime.datetime) -> None:
    event = CaseEvent.objects.filter(case=case, kind=kind).order_by("-id").first()
    stamp(event, at=when)


def close(case: Case, by, when: datetime.datetime, reason: str = "concluded") -> Case:
    case_close(case=case, by=by, reason=reason)
    _last_event(case, EventKind.CLOSED, when)
    return stamp(case, closed_at=when)


def reopen(case: Case, by, when: datetime.datetime) -> Case:
    case_reopen(case=case, by=by, why="Regresó a pedir acompañamiento.")
    _last_event(case, EventKind.REOPENED, when)
    case.refresh_from_db()
    return case
