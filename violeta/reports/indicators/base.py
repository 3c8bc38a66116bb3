"""What every indicator shares: the filters, the consent rule, the table it returns, and the scope helpers.

**Filters.** Every indicator takes the same ``Filters``: a period (local days, both ends included), an area,
a program, a colonia and an age group. An indicator applies the ones that mean something for what it counts and
lists them in ``Indicator.filters`` (the dashboard says which filters a figure ignored).

**The consent rule** (issue 18, item 2). ``Rule.INTERNAL`` counts every case: figures for the institute's own
staff. ``Rule.STATISTICS`` counts only women whose latest statistics consent (``ConsentPurpose.STATISTICS``) is
granted, not withdrawn and not expired: every figure that leaves the institute (exports, the council report, public figures).
Each ``Table`` carries the rule it was computed with, and says so.

**Her age group** is her age on the last day of the period (or today, if earlier): from her birth date, or from
the approximate age recorded at intake plus the years since. A woman whose age is unknown is in no age group.

Counts only leave this package: never a name, a folio or an identifier (the BANAVIM export, case by case, is
``reports.banavim`` and pseudonymised).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.db_router import replica_reads
from violeta.people.models import Consent, ConsentPurpose
from violeta.programs.models import AgeGroup

# --- Filters -------------------------------------------------------------------------------------------------

FILTER_NAMES = ("period", "area", "program", "neighborhood", "age_group")

# The lower bound of each age group, oldest first (AgeGroup's values are "0-17", "18-29", …, "60+").
AGE_BOUNDS: dict[str, tuple[int, int | None]] = {
    AgeGroup.UNDER_18: (0, 17),
    AgeGroup.FROM_18: (18, 29),
    AgeGroup.FROM_30: (30, 44),
    AgeGroup.FROM_45: (45, 59),
    AgeGroup.FROM_60: (60, None),
}


@dataclass(frozen=True)
class Filters:
    """What the person looking at the figures chose. ``start`` and ``end`` are local days, both included;
    ``area`` an ``accounts.Area`` code, ``program`` a ``programs.Program`` value (or ``"superacion"`` for the
    courses), ``neighborhood`` a ``people.Neighborhood`` id, ``age_group`` an ``AgeGroup`` value."""

    start: date
    end: date
    area: str = ""
    program: str = ""
    neighborhood: int | None = None
    age_group: str = ""

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        if self.age_group and self.age_group not in AGE_BOUNDS:
            raise ValueError(f"unknown age group {self.age_group!r}")

    @classmethod
    def month(cls, year: int, month: int, **others) -> Filters:
        first = date(year, month, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return cls(start=first, end=last, **others)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes ``[start 00:00, the day after end 00:00)`` in the local time zone."""
        return day_bounds(self.start, self.end)

    @property
    def age_on(self) -> date:
        """The day her age is taken on: the period's last day, or today if the period is not over."""
        return min(self.end, timezone.localdate())

    def chosen(self) -> tuple[str, ...]:
        """The names of the filters set beyond the period (for "this figure ignores …")."""
        return tuple(name for name in FILTER_NAMES[1:] if getattr(self, name) not in ("", None))

    def but(self, **changes) -> Filters:
        return replace(self, **changes)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


# --- The consent rule ----------------------------------------------------------------------------------------


class Rule(models.TextChoices):
    INTERNAL = "internal", _("Internal figure: counts every case")
    STATISTICS = (
        "statistics",
        _("Figure that leaves the institute: counts only women who consented to statistical use"),
    )


def statistics_allowed(person_ref: str = "pk") -> Exists:
    """An expression, true when the person at ``person_ref`` (an ``OuterRef`` path from the outer query) may be
    counted in figures that leave the institute: her latest statistics consent (by date, then by when it was
    recorded) is granted, not withdrawn and not expired today (issue 20: a consent lapses on its ``expires_on``).
    A later refusal or an opposition (ARCO) wins over an older consent. Still one subquery, on the index
    ``consent_statistics_latest`` (which includes ``expires_on``)."""
    later = Consent.objects.filter(
        person=OuterRef("person"),
        purpose=ConsentPurpose.STATISTICS,
    ).filter(Q(given_on__gt=OuterRef("given_on")) | Q(given_on=OuterRef("given_on"), pk__gt=OuterRef("pk")))
    latest_granted = Consent.objects.filter(
        person=OuterRef(person_ref),
        purpose=ConsentPurpose.STATISTICS,
        granted=True,
        revoked_at__isnull=True,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=timezone.localdate()), ~Exists(later))
    return Exists(latest_granted)


# --- Scope: which cases, women and rows an indicator counts ---------------------------------------------------


def age_group_q(person_prefix: str, group: str, on: date) -> Q:
    """Her age on ``on`` falls in ``group``: from her birth date when known, else from the approximate age
    recorded (``approximate_age`` on ``age_recorded_on``) plus the years since. ``person_prefix`` is the path to
    the person (``""`` for a Person queryset, ``"case__holder__"`` for consultations)."""
    low, high = AGE_BOUNDS[group]
    p = person_prefix
    by_birth = born_in_group_q(f"{p}birth_date", group, on) & Q(**{f"{p}birth_date__isnull": False})
    # The approximate age moves on one year per calendar year since it was recorded.
    approx = Q(**{f"{p}birth_date__isnull": True, f"{p}approximate_age__isnull": False})
    approx &= Q(**{f"{p}age_recorded_on__isnull": False})
    estimated = F(f"{p}approximate_age") + on.year - ExtractYear(f"{p}age_recorded_on")
    return by_birth | (approx & _between(estimated, low, high))


def born_in_group_q(field: str, group: str, on: date) -> Q:
    """Her age on ``on``, from the birth date at ``field``, falls in ``group``. Born after the day ``low`` years
    before ``on`` she is younger than ``low``; born on or before it, at least ``low``."""
    low, high = AGE_BOUNDS[group]
    condition = Q(**{f"{field}__lte": _years_before(on, low)})
    if high is not None:
        condition &= Q(**{f"{field}__gt": _years_before(on, high + 1)})
    return condition


def _between(expression, low: int, high: int | None) -> Q:
    wrapped = ExpressionWrapper(expression, output_field=IntegerField())
    condition = Q(GreaterThanOrEqual(wrapped, low))
    if high is not None:
        condition &= Q(LessThanOrEqual(wrapped, high))
    return condition


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def person_q(filters: Filters, rule: Rule, person_prefix: str) -> Q:
    """The filters and the rule that concern the woman herself: colonia, age group, consent."""
    condition = Q()
    if filters.neighborhood is not None:
        condition &= Q(**{f"{person_prefix}neighborhood_id": filters.neighborhood})
    if filters.age_group:
        condition &= age_group_q(person_prefix, filters.age_group, filters.age_on)
    if rule == Rule.STATISTICS:
        condition &= Q(statistics_allowed(f"{person_prefix}pk" if person_prefix else "pk"))
    return condition


def case_q(filters: Filters, rule: Rule, case_prefix: str = "") -> Q:
    """Cases whose holder passes ``person_q``. ``case_prefix`` is the path to the case (``""`` for a Case
    queryset, ``"case__"`` for consultations). The period and the area are each indicator's own business: what
    "in the period" means differs (opened, attended, closed)."""
    return person_q(filters, rule, f"{case_prefix}holder__")


# --- What an indicator returns -------------------------------------------------------------------------------


class Kind(models.TextChoices):
    LABEL = "label", _("label")
    COUNT = (
        "count",
        _("count"),
    )  # whole numbers of women, cases, consultations…: additive, suppressed when small
    NUMBER = "number", _("number")  # an average, a median, days…: not additive, never suppressed on its own
    PERCENT = "percent", _("percent")  # 0–100


@dataclass(frozen=True)
class Column:
    """``sum_of``: the keys of the columns this one adds up in every row (calls = within + outside office hours):
    disclosure control must know it, or a hidden part is the published whole minus the others."""

    key: str
    label: str
    kind: str = Kind.COUNT
    sum_of: tuple[str, ...] = ()


@dataclass
class Table:
    """One figure: columns, rows and how it was counted. The first columns are labels (the categories), the rest
    numbers. ``additive`` says the count cells may be summed across rows (a woman is in one row only): only an
    additive table gets a total row, and only its counts are suppressed with their totals in mind
    (``reports.disclosure``). ``chart`` is a hint for the dashboard (``bar``, ``stacked``, ``line``, ``pie``,
    ``none``)."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[list]
    rule: str = Rule.INTERNAL
    additive: bool = True
    row_totals: bool = False  # the count columns split one whole (e.g. modalities): each row gets a total too
    chart: str = "bar"
    note: str = ""
    ignored: tuple[str, ...] = ()  # the filters chosen that this figure does not apply

    @property
    def label_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == Kind.LABEL]

    @property
    def value_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind != Kind.LABEL]

    def column(self, key: str) -> list:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]

    def as_dict(self) -> dict[tuple, dict[str, object]]:
        """``{(label, …): {value column key: value}}``: what tests compare with hand-counted figures."""
        labels = len(self.label_columns)
        keys = [c.key for c in self.columns[labels:]]
        return {tuple(row[:labels]): dict(zip(keys, row[labels:], strict=True)) for row in self.rows}


@dataclass(frozen=True)
class Indicator:
    slug: str
    title: str
    section: str
    compute: Callable[[Filters, Rule], Table]
    filters: tuple[str, ...] = FILTER_NAMES
    description: str = ""

    def __call__(self, filters: Filters, rule: Rule = Rule.INTERNAL) -> Table:
        # Statistics read from the read replica when one is configured (violeta/core/db_router.py)
        with replica_reads():
            table = self.compute(filters, rule)
        table.rule = rule
        table.ignored = tuple(name for name in filters.chosen() if name not in self.filters)
        return table


INDICATORS: dict[str, Indicator] = {}


def indicator(slug: str, title, section, *, filters: tuple[str, ...] = FILTER_NAMES, description=""):
    """Register ``(filters, rule) -> Table`` as an indicator (the order of registration is the dashboard's)."""

    def register(compute: Callable[[Filters, Rule], Table]) -> Indicator:
        if slug in INDICATORS:
            raise ValueError(f"indicator {slug!r} registered twice")
        unknown = set(filters) - set(FILTER_NAMES)
        if unknown:
            raise ValueError(f"unknown filters {unknown}")
        one = Indicator(slug, title, section, compute, filters, description)
        INDICATORS[slug] = one
        return one

    return register


def get(slug: str) -> Indicator:
    return INDICATORS[slug]
