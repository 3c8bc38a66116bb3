"""Violence, risk and protection (issue 18, item 1): violence by type and modality (LGAMVLV), risk levels and
their change, priority cases, safety plans of the high-risk cases, protection orders.

Every figure here counts case files (or their incidents and orders) of the women in scope (``casefile.case_scope``:
colonia, age group, consent and, when chosen, the area on the case's team). Figures "at the period's end" look
at the cases open at that moment (``casefile.open_at``).
"""

from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from violeta.reports.indicators.base import Column, Filters, Kind, Rule, Table, indicator
from violeta.reports.indicators.casefile import case_scope, open_at
from violeta.violence.models import (
    PriorityChange,
    ProtectionOrder,
    RiskAssessment,
    RiskInstrument,
    SafetyPlan,
    ViolenceIncident,
    ViolenceModality,
    ViolenceType,
)

SECTION = _("Violence, risk and protection")
FILTERS = ("period", "area", "neighborhood", "age_group")


def _table(slug: str, title, columns: list[Column], rows: list[list], **options) -> Table:
    return Table(slug=slug, title=str(title), columns=columns, rows=rows, **options)


# --- Violence by type and modality --------------------------------------------------------------------------


def incidents(filters: Filters, rule: Rule):
    """The incidents recorded in the period (when the institute heard of them, not when they happened: that
    date is often approximate, and a month's figures should not change when an old incident is told later)."""
    since, until = filters.bounds()
    return ViolenceIncident.objects.filter(recorded_at__gte=since, recorded_at__lt=until).filter(
        case_scope(filters, rule, "case__")
    )


def _of_type(code: str) -> Q:
    """``types`` (a JSON list of codes) holds ``code``: PostgreSQL's containment (``@>``, no text made); SQLite
    has none, so there the quoted code is looked for in the list's text (no code is inside another, quoted)."""
    if connection.vendor == "postgresql":
        return Q(types__contains=[code])
    return Q(types__icontains=f'"{code}"')


@indicator(
    "violence_types",
    _("Violence by type"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Incidents of violence recorded in the period, by type (LGAMVLV, art. 6), and the women who suffered "
        "them. An incident of several types counts in each one, so the rows do not add up."
    ),
)
def violence_types(filters: Filters, rule: Rule) -> Table:
    measures = {}
    for code in ViolenceType.values:
        measures[f"incidents_{code}"] = Count("pk", filter=_of_type(code))
        measures[f"women_{code}"] = Count("case__holder", distinct=True, filter=_of_type(code))
    counted = incidents(filters, rule).aggregate(**measures)
    return _table(
        "violence_types",
        _("Violence by type"),
        [
            Column("type", str(_("Type of violence")), Kind.LABEL),
            Column("incidents", str(_("Incidents"))),
            Column("women", str(_("Women"))),
        ],
        [
            [str(label), counted[f"incidents_{code}"], counted[f"women_{code}"]]
            for code, label in ViolenceType.choices
        ],
        additive=False,
    )


@indicator(
    "violence_modalities",
    _("Violence by modality"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Incidents of violence recorded in the period, by modality (LGAMVLV), and the women who suffered them. "
        "Each incident has one modality; a woman may be in several rows."
    ),
)
def violence_modalities(filters: Filters, rule: Rule) -> Table:
    counted = {
        row["modality"]: row
        for row in incidents(filters, rule)
        .values("modality")
        .annotate(incidents=Count("pk"), women=Count("case__holder", distinct=True))
        .order_by()
    }
    empty = {"incidents": 0, "women": 0}
    return _table(
        "violence_modalities",
        _("Violence by modality"),
        [
            Column("modality", str(_("Modality")), Kind.LABEL),
            Column("incidents", str(_("Incidents"))),
            Column("women", str(_("Women"))),
        ],
        [
            [str(label), counted.get(code, empty)["incidents"], counted.get(code, empty)["women"]]
            for code, label in ViolenceModality.choices
        ],
        additive=False,
    )


# --- Risk ------------------------------------------------------------------------------------------------------


def latest_assessments(until, since=None):
    """Each case's latest risk assessment before ``until`` (by time, then by id); with ``since``, only those made
    at or after it (so: each case's latest assessment in the period)."""
    later = RiskAssessment.objects.filter(case=OuterRef("case"), assessed_at__lt=until).filter(
        Q(assessed_at__gt=OuterRef("assessed_at"))
        | Q(assessed_at=OuterRef("assessed_at"), pk__gt=OuterRef("pk"))
    )
    rows = RiskAssessment.objects.filter(assessed_at__lt=until).filter(~Exists(later))
    if since is not None:
        rows = rows.filter(assessed_at__gte=since)
    return rows


def _instruments(used_ids) -> list[RiskInstrument]:
    """The active instruments and any other the figures used, in their usual order."""
    return list(RiskInstrument.objects.filter(Q(is_active=True) | Q(pk__in=list(used_ids))))


def _level_rows(instruments, counted: dict, *, only_alarm=False):
    """``(instrument, level)`` pairs in the instruments' order, each level from lowest to highest."""
    for instrument in instruments:
        for level in instrument.levels:
            if only_alarm and not level.get("alarm"):
                continue
            yield instrument, level, counted.get((instrument.pk, level["code"]))


def _level_columns() -> list[Column]:
    return [
        Column("instrument", str(_("Instrument")), Kind.LABEL),
        Column("level", str(_("Risk level")), Kind.LABEL),
    ]


@indicator(
    "risk_levels",
    _("Risk levels"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Cases assessed in the period, by the final level of each case's latest assessment in the period."
    ),
)
def risk_levels(filters: Filters, rule: Rule) -> Table:
    since, until = filters.bounds()
    counted = {
        (row["instrument_id"], row["final_level"]): row["cases"]
        for row in latest_assessments(until, since)
        .filter(case_scope(filters, rule, "case__"))
        .values("instrument_id", "final_level")
        .annotate(cases=Count("pk"))
        .order_by()
    }
    instruments = _instruments(instrument for instrument, _level in counted)
    return _table(
        "risk_levels",
        _("Risk levels"),
        [*_level_columns(), Column("cases", str(_("Cases")))],
        [
            [instrument.code.upper(), level["label"], cases or 0]
            for instrument, level, cases in _level_rows(instruments, counted)
        ],
        chart="stacked",
    )


def _ranks() -> dict[tuple[int, str], int]:
    """Each level's place in its instrument (0 = lowest), by ``(instrument id, level code)``."""
    return {
        (instrument.pk, level["code"]): place
        for instrument in RiskInstrument.objects.all()
        for place, level in enumerate(instrument.levels)
    }


@indicator(
    "risk_change",
    _("Change of risk level"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Cases assessed in the period at least twice in all: the final level of the latest assessment in the "
        "period compared with the case's first assessment ever. Levels of different instruments are not compared."
    ),
)
def risk_change(filters: Filters, rule: Rule) -> Table:
    since, until = filters.bounds()
    earlier = RiskAssessment.objects.filter(case=OuterRef("case")).filter(
        Q(assessed_at__lt=OuterRef("assessed_at"))
        | Q(assessed_at=OuterRef("assessed_at"), pk__lt=OuterRef("pk"))
    )
    # Her first assessment as one value, "instrument id:level", so that the database looks it up once per case;
    # the cases are then counted by (first, latest) pair: a handful of groups, compared here.
    first = (
        RiskAssessment.objects.filter(case=OuterRef("case"))
        .order_by("assessed_at", "pk")
        .annotate(key=Concat(Cast("instrument_id", CharField()), Value(":"), "final_level"))
        .values("key")[:1]
    )
    pairs = (
        latest_assessments(until, since)
        .filter(Exists(earlier))
        .filter(case_scope(filters, rule, "case__"))
        .annotate(first=Subquery(first))
        .values("first", "instrument_id", "final_level")
        .annotate(cases=Count("pk"))
        .order_by()
    )
    ranks = _ranks()
    counted = {"rose": 0, "same": 0, "fell": 0, "other": 0}
    for pair in pairs:
        instrument, _colon, level = (pair["first"] or "").partition(":")
        was = ranks.get((int(instrument or 0), level))
        now = ranks.get((pair["instrument_id"], pair["final_level"]))
        if int(instrument or 0) != pair["instrument_id"] or was is None or now is None:
            counted["other"] += pair["cases"]
        else:
            counted["rose" if now > was else "same" if now == was else "fell"] += pair["cases"]
    return _table(
        "risk_change",
        _("Change of risk level"),
        [Column("change", pgettext("statistics", "Change"), Kind.LABEL), Column("cases", str(_("Cases")))],
        [
            [str(_("Rose")), counted["rose"]],
            [str(_("Stayed the same")), counted["same"]],
            [str(_("Fell")), counted["fell"]],
            [str(_("Not comparable (another instrument)")), counted["other"]],
        ],
    )


# --- Priority ----------------------------------------------------------------------------------------------------


@indicator(
    "priority_cases",
    _("Priority cases"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Cases made a priority in the period (after a high or extreme risk assessment, or by professional "
        "judgement), cases whose priority was lifted in the period, and the open cases that were a priority at "
        "its end. A case may be in several rows."
    ),
)
def priority_cases(filters: Filters, rule: Rule) -> Table:
    since, until = filters.bounds()
    scope = case_scope(filters, rule, "case__")
    marked, lifted = PriorityChange.Action.MARKED, PriorityChange.Action.LIFTED
    changes = PriorityChange.objects.filter(changed_at__gte=since, changed_at__lt=until).filter(scope)
    counted = changes.aggregate(
        assessment=Count(
            "case", distinct=True, filter=Q(action=marked, source=PriorityChange.Source.ASSESSMENT)
        ),
        judgement=Count(
            "case", distinct=True, filter=Q(action=marked, source=PriorityChange.Source.JUDGEMENT)
        ),
        lifted=Count("case", distinct=True, filter=Q(action=lifted)),
    )
    # At the end: the case's last change before it marked it, and the case was open then.
    later = PriorityChange.objects.filter(case=OuterRef("case"), changed_at__lt=until).filter(
        Q(changed_at__gt=OuterRef("changed_at")) | Q(changed_at=OuterRef("changed_at"), pk__gt=OuterRef("pk"))
    )
    at_end = (
        PriorityChange.objects.filter(changed_at__lt=until, action=marked)
        .filter(~Exists(later))
        .filter(open_at(until, "case__"))
        .filter(scope)
        .aggregate(cases=Count("case", distinct=True))["cases"]
    )
    return _table(
        "priority_cases",
        _("Priority cases"),
        [Column("what", pgettext("statistics", "Priority"), Kind.LABEL), Column("cases", str(_("Cases")))],
        [
            [str(_("Made a priority in the period: by risk assessment")), counted["assessment"]],
            [str(_("Made a priority in the period: by professional judgement")), counted["judgement"]],
            [str(_("Priority lifted in the period")), counted["lifted"]],
            [str(_("Priority at the period's end (open cases)")), at_end],
        ],
        additive=False,
    )


# --- Safety plans ---------------------------------------------------------------------------------------------


@indicator(
    "safety_plans",
    _("Safety plans of high-risk cases"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Cases open at the period's end whose latest risk assessment by then gave an alarm level (high or "
        "extreme), and how many of them had a safety plan by then."
    ),
)
def safety_plans(filters: Filters, rule: Rule) -> Table:
    _since, until = filters.bounds()
    has_plan = Exists(SafetyPlan.objects.filter(case=OuterRef("case"), created_at__lt=until))
    counted = {
        (row["instrument_id"], row["final_level"]): row
        for row in latest_assessments(until)
        .filter(is_alarm=True)
        .filter(open_at(until, "case__"))
        .filter(case_scope(filters, rule, "case__"))
        .values("instrument_id", "final_level")
        .annotate(cases=Count("pk"), with_plan=Count("pk", filter=Q(has_plan)))
        .order_by()
    }
    instruments = _instruments(instrument for instrument, _level in counted)
    rows = [
        [
            instrument.code.upper(),
            level["label"],
            found["cases"],
            found["with_plan"],
            round(100 * found["with_plan"] / found["cases"], 1),
        ]
        for instrument, level, found in _level_rows(instruments, counted, only_alarm=True)
        if found  # a level without cases has no percentage
    ]
    return _table(
        "safety_plans",
        _("Safety plans of high-risk cases"),
        [
            *_level_columns(),
            Column("cases", str(_("High-risk cases"))),
            Column("with_plan", str(_("With a safety plan"))),
            Column("percent", str(_("Percentage with a safety plan")), Kind.PERCENT),
        ],
        rows,  # a case is in one row: its latest level
    )


# --- Protection orders ------------------------------------------------------------------------------------------


@indicator(
    "protection_orders",
    _("Protection orders"),
    SECTION,
    filters=FILTERS,
    description=_(
        "Protection orders by kind: requested in the period, granted in the period, and granted orders whose "
        "term (with its extension, if any) ends in the period."
    ),
)
def protection_orders(filters: Filters, rule: Rule) -> Table:
    first, last = filters.start, filters.end
    expiry = Coalesce("extended_until", "expires_on")
    period = (first, last)
    in_period = Q(requested_on__range=period) | Q(granted_on__range=period) | Q(expiry__range=period)
    counted = {
        row["kind"]: row
        for row in ProtectionOrder.objects.annotate(expiry=expiry)
        .filter(in_period)
        .filter(case_scope(filters, rule, "case__"))
        .values("kind")
        .annotate(
            requested=Count("pk", filter=Q(requested_on__range=period)),
            granted=Count("pk", filter=Q(granted_on__range=period)),
            expiring=Count("pk", filter=Q(status=ProtectionOrder.Status.GRANTED, expiry__range=period)),
        )
        .order_by()
    }
    empty = {"requested": 0, "granted": 0, "expiring": 0}
    return _table(
        "protection_orders",
        _("Protection orders"),
        [
            Column("kind", str(_("Kind of order")), Kind.LABEL),
            Column("requested", pgettext("statistics", "Requested")),
            Column("granted", pgettext("statistics", "Granted")),
            Column("expiring", pgettext("statistics", "Expiring")),
        ],
        [
            [str(label), *(counted.get(code, empty)[key] for key in ("requested", "granted", "expiring"))]
            for code, label in ProtectionOrder.Kind.choices
        ],
        chart="stacked",
    )
