"""The ARCO legal clock: business days, without weekends, Mexico's federal holidays and the institute's holidays.

The federal holidays are those of the Ley Federal del Trabajo, art. 74, computed for any year (so the clock
does not stop working when the agenda's holiday table runs out); the agenda's ``Holiday`` rows add the
institute's own days off.
"""

from datetime import date, timedelta

from violeta.agenda.models import Holiday


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def federal_holidays(year: int) -> set[date]:
    """LFT art. 74: 1 Jan, first Monday of Feb, third Monday of Mar, 1 May, 16 Sep, third Monday of Nov, 25 Dec,
    and 1 Oct of each sixth year (the change of federal executive: 2024, 2030, …)."""
    days = {
        date(year, 1, 1),
        _nth_monday(year, 2, 1),
        _nth_monday(year, 3, 3),
        date(year, 5, 1),
        date(year, 9, 16),
        _nth_monday(year, 11, 3),
        date(year, 12, 25),
    }
    if year >= 2024 and (year - 2024) % 6 == 0:
        days.add(date(year, 10, 1))
    return days


def _closed_days(start: date, end: date) -> set[date]:
    days = set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    for year in range(start.year, end.year + 1):
        days |= federal_holidays(year)
    return days


def is_business_day(day: date, closed: set[date] | None = None) -> bool:
    if closed is None:
        closed = _closed_days(day, day)
    return day.weekday() < 5 and day not in closed


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself does not count)."""
    closed = _closed_days(start, start + timedelta(days=days * 2 + 30))
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_business_day(day, closed):
            left -= 1
    return day


def subtract_business_days(end: date, days: int) -> date:
    """The business day ``days`` business days before ``end``."""
    closed = _closed_days(end - timedelta(days=days * 2 + 30), end)
    day, left = end, days
    while left > 0:
        day -= timedelta(days=1)
        if is_business_day(day, closed):
            left -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Business days after ``start`` up to and including ``end`` (negative when ``end`` is before ``start``)."""
    if end < start:
        return -business_days_between(end, start)
    closed = _closed_days(start, end)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_business_day(start + timedelta(days=n), closed)
    )
