"""Programs and trainings: reach (by program, sex and age group), completion, and outcomes.

**Reach** is ``programs.reach``'s count (docs/programs.md): trainings (who attended at least one session),
*Superación en acción* courses (who came to at least one class), company visits (the women reached) and campaign
events (their head-counts), a person in two activities counting in both, as the institute reports it.

**Completion** is over what ended in the period: the trainings whose last session was held in it (registered
attendees, and those with a certificate not revoked) and the course groups closed in it (the women seated, and
those who completed the group). **Outcomes**: the questionnaires before and after of the trainings that ended in
the period (attendees who answered both), and what became of the women of the groups closed in it.

**The consent rule.** The courses' women are people of Violeta (most hold a case file): under the statistics
rule they count only with their statistics consent. Training attendees, company visits and campaign events are
people outside the case files, known by a name or a head-count only: anonymous figures counted under both rules.

**Filters.** The program (``superacion`` for the courses) and the age group apply (the attendees' age group as
registered; a course woman's from her birth date; visits record no age, so they fall out when an age group is
chosen). Colonia and area do not.
"""

from collections import Counter

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.programs.models import (
    AgeGroup,
    Attendee,
    Enrollment,
    EnrollmentStatus,
    Outcome,
    Phase,
    Program,
    QuestionnaireResponse,
    Sex,
    Training,
)
from violeta.programs.reach import SUPERACION, UNKNOWN, reach
from violeta.reports.indicators.base import (
    Column,
    Filters,
    Kind,
    Rule,
    Table,
    age_group_q,
    indicator,
    statistics_allowed,
)

SECTION = _("Programs and trainings")
FILTERS = ("period", "program", "age_group")
NOTE = _(
    "Training attendees, company visits and campaign events are anonymous figures, counted under both rules; "
    "the women of the Superación en acción courses count under the statistics rule only with their consent."
)
COURSES = pgettext_lazy("program", "Superación en acción courses")


def program_labels() -> dict[str, str]:
    """Every program, in the order the dashboard shows them, with its label."""
    return {**{value: str(label) for value, label in Program.choices}, SUPERACION: str(COURSES)}


def _wanted(filters: Filters, program: str) -> bool:
    return not filters.program or filters.program == program


def _reach_rows(filters: Filters, rule: Rule) -> list[dict]:
    """People reached, by program, sex and age group, in the program and age group chosen."""
    women = Q(statistics_allowed("enrollment__person")) if rule == Rule.STATISTICS else None
    rows = reach(
        start=filters.start, end=filters.end, group_by=("program", "sex", "age_group"), course_women=women
    )
    return [
        row
        for row in rows
        if _wanted(filters, row["program"])
        and (not filters.age_group or row["age_group"] == filters.age_group)
    ]


@indicator(
    "program_reach",
    _("People reached by program"),
    SECTION,
    filters=FILTERS,
    description=_(
        "People the programs reached in the period: training attendees who came to at least one session, "
        "course women who came to at least one class, the women reached by company visits and the people "
        "reached by campaign events. A person in two activities counts in both."
    ),
)
def program_reach(filters: Filters, rule: Rule) -> Table:
    counted: Counter = Counter()
    for row in _reach_rows(filters, rule):
        counted[row["program"]] += row["people"]
    labels = program_labels()
    return Table(
        slug="program_reach",
        title=str(_("People reached by program")),
        columns=[
            Column("program", str(_("Program")), Kind.LABEL),
            Column("people", str(_("People reached"))),
        ],
        rows=[[label, counted[value]] for value, label in labels.items() if _wanted(filters, value)],
        additive=False,
        note=str(NOTE),
    )


@indicator(
    "program_reach_profile",
    _("People reached by sex and age group"),
    SECTION,
    filters=FILTERS,
    description=_(
        "The same people reached, by sex and age group (as registered at the training or the event; a course "
        "woman's age from her birth date at her first class; company visits record no age)."
    ),
)
def program_reach_profile(filters: Filters, rule: Rule) -> Table:
    counted: Counter = Counter()
    for row in _reach_rows(filters, rule):
        counted[(row["sex"], row["age_group"])] += row["people"]
    sexes = dict(Sex.choices)
    ages = {**dict(AgeGroup.choices), UNKNOWN: _("Age unknown")}
    rows = [
        [str(sex_label), str(age_label), counted[(sex, age)]]
        for sex, sex_label in sexes.items()
        for age, age_label in ages.items()
        if counted[(sex, age)]
    ]
    return Table(
        slug="program_reach_profile",
        title=str(_("People reached by sex and age group")),
        columns=[
            Column("sex", str(_("Sex")), Kind.LABEL),
            Column("age_group", str(_("Age group")), Kind.LABEL),
            Column("people", str(_("People reached"))),
        ],
        rows=rows,
        additive=False,
        chart="stacked",
        note=str(NOTE),
    )


def _trainings_ended(filters: Filters):
    """The trainings whose last session was held in the period, of the program chosen."""
    since, until = filters.bounds()
    trainings = Training.objects.annotate(last=Max("sessions__starts_at")).filter(
        last__gte=since, last__lt=until
    )
    if filters.program:
        trainings = trainings.filter(program=filters.program)
    return trainings.values("pk")


def _course_women(filters: Filters, rule: Rule):
    """The women seated in the course groups closed in the period (none when another program is chosen)."""
    since, until = filters.bounds()
    if not _wanted(filters, SUPERACION):
        return Enrollment.objects.none()
    women = Enrollment.objects.filter(
        cohort__closed_at__gte=since,
        cohort__closed_at__lt=until,
        status__in=(EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED),
    )
    if filters.age_group:
        women = women.filter(age_group_q("person__", filters.age_group, filters.age_on))
    if rule == Rule.STATISTICS:
        women = women.filter(statistics_allowed("person"))
    return women


def _attendees(filters: Filters):
    attendees = Attendee.objects.filter(training__in=_trainings_ended(filters))
    if filters.age_group:
        attendees = attendees.filter(age_group=filters.age_group)
    return attendees


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@indicator(
    "program_completion",
    _("Completion of trainings and courses"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Trainings whose last session was held in the period: the people registered and those certified (a "
        "certificate not revoked). Course groups closed in the period: the women with a place and those who "
        "completed the group."
    ),
)
def program_completion(filters: Filters, rule: Rule) -> Table:
    counted = {
        row["training__program"]: (row["enrolled"], row["completed"])
        for row in _attendees(filters)
        .values("training__program")
        .order_by()
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(certificate__isnull=False, certificate__revoked_at__isnull=True)),
        )
    }
    courses = _course_women(filters, rule).aggregate(
        enrolled=Count("pk"), completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED))
    )
    counted[SUPERACION] = (courses["enrolled"], courses["completed"])
    rows = []
    for value, label in program_labels().items():
        enrolled, completed = counted.get(value, (0, 0))
        if enrolled:
            rows.append([label, enrolled, completed, _percent(completed, enrolled)])
    return Table(
        slug="program_completion",
        title=str(_("Completion of trainings and courses")),
        columns=[
            Column("program", str(_("Program")), Kind.LABEL),
            Column("enrolled", str(pgettext_lazy("column of counts", "Enrolled"))),
            Column("completed", str(pgettext_lazy("column of counts", "Completed"))),
            Column("percent", str(_("Completion (%)")), Kind.PERCENT),
        ],
        rows=rows,
        additive=False,
        note=str(NOTE),
    )


@indicator(
    "training_questionnaires",
    _("Questionnaires before and after the trainings"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Trainings whose last session was held in the period: the share of right answers before and after, "
        "and the change in points, over the attendees who answered both questionnaires."
    ),
)
def training_questionnaires(filters: Filters, rule: Rule) -> Table:
    def answered(phase: str) -> Exists:
        return Exists(QuestionnaireResponse.objects.filter(attendee=OuterRef("attendee"), phase=phase))

    both = QuestionnaireResponse.objects.filter(
        attendee__in=_attendees(filters).values("pk"), phase__in=(Phase.BEFORE, Phase.AFTER)
    ).filter(answered(Phase.BEFORE), answered(Phase.AFTER))
    counted = {
        (row["attendee__training__program"], row["phase"]): row
        for row in both.values("attendee__training__program", "phase")
        .order_by()
        .annotate(n=Count("pk"), score=Sum("score"), out_of=Sum("out_of"))
    }
    rows = []
    for value, label in program_labels().items():
        before, after = counted.get((value, Phase.BEFORE)), counted.get((value, Phase.AFTER))
        if not before or not after:
            continue
        share_before = _percent(before["score"], before["out_of"])
        share_after = _percent(after["score"], after["out_of"])
        change = None if share_before is None or share_after is None else round(share_after - share_before, 1)
        rows.append([label, before["n"], share_before, share_after, change])
    return Table(
        slug="training_questionnaires",
        title=str(_("Questionnaires before and after the trainings")),
        columns=[
            Column("program", str(_("Program")), Kind.LABEL),
            Column("answered", str(_("Attendees who answered both"))),
            Column("before", str(_("Right answers before (%)")), Kind.PERCENT),
            Column("after", str(_("Right answers after (%)")), Kind.PERCENT),
            Column("change", str(_("Change (points)")), Kind.NUMBER),
        ],
        rows=rows,
        additive=False,
        note=str(_("Training attendees are anonymous figures, counted under both rules.")),
    )


@indicator(
    "course_outcomes",
    _("Outcomes of the Superación en acción courses"),
    SECTION,
    filters=FILTERS,
    description=_(
        "The women of the course groups closed in the period, by what became of them after the course "
        "(employed, own business, continued studies, other), and those whose outcome is not recorded yet."
    ),
)
def course_outcomes(filters: Filters, rule: Rule) -> Table:
    counted = dict(
        _course_women(filters, rule)
        .values("outcome")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    outcomes = {**dict(Outcome.choices), "": _("Not recorded yet")}
    return Table(
        slug="course_outcomes",
        title=str(_("Outcomes of the Superación en acción courses")),
        columns=[Column("outcome", str(_("Outcome")), Kind.LABEL), Column("women", str(_("Women")))],
        rows=[[str(label), counted.get(value, 0)] for value, label in outcomes.items()],
        chart="pie",
    )
