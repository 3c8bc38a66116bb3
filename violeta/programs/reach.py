"""How many people the programs reached: the selectors the statistics and reports use (issue 17, item 8).

Four sources, each counted as the institute reports it:
- **trainings**: a person is reached when she attended at least one session (registered but absent does not
  count); month of the first session she attended;
- **courses** (*Superación en acción*, program ``superacion``): a woman enrolled who came to at least one class;
  her age group from her birth date at that class, when known; topic: the course's trade;
- **company visits** (*IMM en tu empresa*): the women a visit reached, by the company (sex: women; age unknown);
- **campaign events**: the people each event reached, by sex and age group, as counted there.
Each row counts people, grouped by any of: program, organisation, topic, month, sex and age group. A person in
two activities counts in both. Counts only: no name leaves this module.
"""

from collections import Counter
from datetime import date, datetime, time

from django.db.models import Min, Q
from django.utils import timezone

from violeta.programs.models import (
    AgeGroup,
    Attendee,
    CompanyVisit,
    EnrollmentAttendance,
    EventReach,
    Program,
    Sex,
)

GROUPS = ("program", "organization", "topic", "month", "sex", "age_group")
SOURCES = ("trainings", "courses", "visits", "campaigns")
SUPERACION = "superacion"  # the courses' program in reach rows (courses are not trainings: no Program choice)
UNKNOWN = ""  # an organisation, topic or age group the source does not know


def age_group_at(birth_date, on) -> str:
    if not birth_date:
        return UNKNOWN
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for group, low in (
        (AgeGroup.FROM_60, 60),
        (AgeGroup.FROM_45, 45),
        (AgeGroup.FROM_30, 30),
        (AgeGroup.FROM_18, 18),
    ):
        if age >= low:
            return str(group)
    return str(AgeGroup.UNDER_18)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end] as local days, to aware datetimes [start 00:00, the day after end 00:00)."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.min), tz) + timezone.timedelta(days=1),
    )


def _trainings(since, until):
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
    for row in rows:
        yield (
            {
                "program": row["training__program"],
                "organization": row["training__organization__name"] or UNKNOWN,
                "topic": row["training__topic__name"],
                "month": timezone.localtime(row["first_seen"]).strftime("%Y-%m"),
                "sex": row["sex"],
                "age_group": row["age_group"],
            },
            1,
        )


def _courses(since, until, women: Q):
    present = Q(present=True, session__starts_at__gte=since, session__starts_at__lt=until)
    rows = (
        EnrollmentAttendance.objects.filter(present)
        .filter(women)
        .values("enrollment_id", "enrollment__person__birth_date", "enrollment__cohort__course__trade")
        .annotate(first_seen=Min("session__starts_at"))
    )
    for row in rows:
        first = timezone.localtime(row["first_seen"])
        yield (
            {
                "program": SUPERACION,
                "organization": UNKNOWN,
                "topic": row["enrollment__cohort__course__trade"],
                "month": first.strftime("%Y-%m"),
                "sex": str(Sex.WOMAN),
                "age_group": age_group_at(row["enrollment__person__birth_date"], first.date()),
            },
            1,
        )


def _visits(start, end):
    rows = CompanyVisit.objects.filter(
        visited_on__gte=start, visited_on__lte=end, women_reached__gt=0
    ).values("organization__name", "visited_on", "women_reached")
    for row in rows:
        yield (
            {
                "program": str(Program.COMPANY),
                "organization": row["organization__name"],
                "topic": UNKNOWN,
                "month": row["visited_on"].strftime("%Y-%m"),
                "sex": str(Sex.WOMAN),
                "age_group": UNKNOWN,
            },
            row["women_reached"],
        )


def _campaigns(start, end):
    rows = EventReach.objects.filter(event__held_on__gte=start, event__held_on__lte=end).values(
        "event__campaign__program", "event__held_on", "sex", "age_group", "people"
    )
    for row in rows:
        yield (
            {
                "program": row["event__campaign__program"],
                "organization": UNKNOWN,
                "topic": UNKNOWN,
                "month": row["event__held_on"].strftime("%Y-%m"),
                "sex": row["sex"],
                "age_group": row["age_group"],
            },
            row["people"],
        )


def reach(
    *,
    start: date,
    end: date,
    group_by: tuple[str, ...] = ("program",),
    sources: tuple[str, ...] = SOURCES,
    course_women: Q | None = None,
) -> list[dict]:
    """People reached between ``start`` and ``end`` (both included), grouped by ``group_by``, most first.

    ``course_women``: which of the courses' women count (a condition on ``EnrollmentAttendance``, e.g. the
    statistics consent of ``enrollment__person``); all of them when ``None``."""
    unknown = (set(group_by) - set(GROUPS)) | (set(sources) - set(SOURCES))
    if unknown:
        raise ValueError(f"cannot count reach by {sorted(unknown)}")
    since, until = _bounds(start, end)
    readers = {
        "trainings": lambda: _trainings(since, until),
        "courses": lambda: _courses(since, until, course_women or Q()),
        "visits": lambda: _visits(start, end),
        "campaigns": lambda: _campaigns(start, end),
    }
    counts: Counter = Counter()
    for source in sources:
        for key, people in readers[source]():
            counts[tuple(key[g] for g in group_by)] += people
    result = [dict(zip(group_by, key, strict=True), people=n) for key, n in counts.items()]
    return sorted(result, key=lambda r: (-r["people"], tuple(str(r[g]) for g in group_by)))


def reach_total(*, start: date, end: date, sources: tuple[str, ...] = SOURCES) -> int:
    """People reached in the period (a person in two activities counts in both, as the institute reports)."""
    return sum(row["people"] for row in reach(start=start, end=end, group_by=("program",), sources=sources))
