"""How many people the programs reached: the selectors the statistics and reports use (issue 17, item 8).

A person is *reached* by a training when she attended at least one of its sessions (registered but absent does
not count). Each row counts people, grouped by any of: program, organisation, topic, month (of the first session
she attended), sex and age group. Counts only: no name leaves this module.
"""

from collections import Counter
from datetime import date, datetime, time

from django.db.models import Min, Q
from django.utils import timezone

from violeta.programs.models import Attendee

GROUPS = ("program", "organization", "topic", "month", "sex", "age_group")


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end] as local days, to aware datetimes [start 00:00, the day after end 00:00)."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz) + timezone.timedelta(days=1),
    )


def reach(*, start: date, end: date, group_by: tuple[str, ...] = ("program",)) -> list[dict]:
    """People reached between ``start`` and ``end`` (both included), grouped by ``group_by``, most first."""
    unknown = set(group_by) - set(GROUPS)
    if unknown:
        raise ValueError(f"cannot group reach by {sorted(unknown)}")
    since, until = _bounds(start, end)
    present = Q(attendance__present=True, attendance__session__starts_at__gte=since) & Q(
        attendance__session__starts_at__lt=until
    )
    rows = (
        Attendee.objects.filter(present)
        .annotate(first_seen=Min("attendance__session__starts_at", filter=present))
        .values(
            "pk",
            "sex",
            "age_group",
            "first_seen",
            "training__program",
            "training__organization__name",
            "training__topic__name",
        )
        .distinct()
    )
    counts: Counter = Counter()
    for row in rows:
        key = {
            "program": row["training__program"],
            "organization": row["training__organization__name"] or "",
            "topic": row["training__topic__name"],
            "month": timezone.localtime(row["first_seen"]).strftime("%Y-%m"),
            "sex": row["sex"],
            "age_group": row["age_group"],
        }
        counts[tuple(key[g] for g in group_by)] += 1
    result = [dict(zip(group_by, key, strict=True), people=n) for key, n in counts.items()]
    return sorted(result, key=lambda r: (-r["people"], tuple(str(r[g]) for g in group_by)))


def reach_total(*, start: date, end: date) -> int:
    """People reached in the period: one per attendance record of a training (a person in two trainings counts
    twice, as the institute reports attendances)."""
    return sum(row["people"] for row in reach(start=start, end=end, group_by=("program",)))
