"""The narrative of the council report: a short text with ``{placeholder}`` fields for the month's figures.

**The format, and why it is safe.** The director writes plain text. A field is a name from ``PLACEHOLDERS`` in
braces, ``{mujeres_atendidas}``; the names are Spanish because she types them. Rendering splits the text on
fields and replaces each one by a string looked up in a dictionary of the month's figures, already computed and
formatted: there is no template engine, no ``str.format`` (which would follow ``{x.attr}`` and ``{x[0]}``), no
attribute or item access, no evaluation of any kind. Saving refuses a text with a name outside the list or a
brace that is not part of a field, and rendering treats anything but a known field as literal text, so even a
text put in the database by other means cannot reach more than the figures offered. Everything is HTML-escaped;
blank lines separate paragraphs.

**The figures** come from the tables the report publishes, after disclosure control (``reports.disclosure``):
a field shows a figure only when the table shows it, a withheld one reads "(cifra reservada)", and one whose
indicator is not available reads "(sin dato)". Nothing is counted twice, nothing new is worked out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from violeta.reports.disclosure import Protected
from violeta.reports.models import CouncilNarrative

MAX_LENGTH = 4000
FIELD = re.compile(r"\{([a-z_]+)\}")
BRACES = re.compile(r"\{[^{}\n]*\}|[{}]")


def format_count(value) -> str:
    """A number as people in Mexico write it: 12,345 and 12,345.6."""
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def month_name(year: int, month: int) -> str:
    return _("%(month)s %(year)s") % {"month": str(MONTHS[month]).lower(), "year": year}


# --- The figures offered ---------------------------------------------------------------------------------------


def withheld() -> str:
    return pgettext("narrative figure", "(withheld)")


def missing() -> str:
    return pgettext("narrative figure", "(no data)")


def _column(protected: Protected | None, key: str) -> int | None:
    if protected is None:
        return None
    keys = [c.key for c in protected.columns]
    return keys.index(key) if key in keys else None


def _total(protected: Protected | None, key: str) -> str:
    """The column's published total; for a table without one, the sum of its cells when none is withheld."""
    index = _column(protected, key)
    if index is None:
        return missing()
    if protected.total_row is not None:
        value = protected.total_row[index]
    else:
        cells = [row[index] for row in protected.rows]
        value = None if any(cell is None for cell in cells) else sum(cells)
    return withheld() if value is None else format_count(value)


def _cell(protected: Protected | None, row: int, key: str) -> str:
    index = _column(protected, key)
    if index is None or row >= len(protected.rows):
        return missing()
    value = protected.rows[row][index]
    return withheld() if value is None else format_count(value)


def _top(protected: Protected | None, key: str, count: int = 3) -> str:
    """The labels of the rows with the largest published values (withheld ones are left out), in order."""
    index = _column(protected, key)
    if index is None:
        return missing()
    published = [(row[index], row[0]) for row in protected.rows if row[index]]
    if not published:
        return pgettext("narrative figure", "(none recorded in the month)")
    labels = [str(label)[:1].lower() + str(label)[1:] for _value, label in sorted(published, key=_descending)]
    labels = labels[:count]
    if len(labels) == 1:
        return labels[0]
    return _("%(list)s and %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}


def _descending(pair):
    return (-pair[0], str(pair[1]))


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    value: Callable[[dict[str, Protected], date], str]


PLACEHOLDERS: dict[str, Placeholder] = {
    one.name: one
    for one in (
        Placeholder(
            "mes",
            gettext_lazy("the month of the report (“noviembre de 2026”)"),
            lambda t, first: month_name(first.year, first.month),
        ),
        Placeholder(
            "instituto", gettext_lazy("the institute's name"), lambda t, first: settings.INSTITUTE["name"]
        ),
        Placeholder(
            "mujeres_atendidas",
            gettext_lazy("women attended in the month (new and follow-up)"),
            lambda t, first: _total(t.get("women_attended"), "women"),
        ),
        Placeholder(
            "mujeres_nuevas",
            gettext_lazy("women attended for the first time"),
            lambda t, first: _cell(t.get("women_attended"), 0, "women"),
        ),
        Placeholder(
            "mujeres_seguimiento",
            gettext_lazy("women attended in follow-up"),
            lambda t, first: _cell(t.get("women_attended"), 1, "women"),
        ),
        Placeholder(
            "consultas",
            gettext_lazy("consultations given in every area"),
            lambda t, first: _total(t.get("consultations"), "consultations"),
        ),
        Placeholder(
            "violencias_principales",
            gettext_lazy("the three most frequent types of violence, by the women who suffered them"),
            lambda t, first: _top(t.get("violence_types"), "women"),
        ),
        Placeholder(
            "alertas_mia",
            gettext_lazy("MIA alerts raised"),
            lambda t, first: _cell(t.get("mia_alerts"), 0, "alerts"),
        ),
        Placeholder(
            "canalizaciones",
            gettext_lazy("referrals sent to partner institutions"),
            lambda t, first: _total(t.get("referrals_by_institution"), "referrals"),
        ),
        Placeholder(
            "personas_programas",
            gettext_lazy("people reached by the programs and trainings (a person in two counts in both)"),
            lambda t, first: _total(t.get("program_reach"), "people"),
        ),
    )
}


def figures(tables: dict[str, Protected], first: date) -> dict[str, str]:
    """Each field's text for the month starting on ``first``, from the report's protected tables."""
    return {name: str(one.value(tables, first)) for name, one in PLACEHOLDERS.items()}


# --- Checking and rendering ------------------------------------------------------------------------------------


def default_text() -> str:
    """The narrative before the director writes her own (version 0), in the language of the request."""
    return "\n\n".join(
        [
            _(
                "In {mes}, the {instituto} attended {mujeres_atendidas} women: {mujeres_nuevas} came for the "
                "first time and {mujeres_seguimiento} continued their follow-up, in {consultas} legal, "
                "psychological and social work consultations."
            ),
            _("The most frequent types of violence among the women attended were {violencias_principales}."),
            _(
                "The MIA alert app received {alertas_mia} alerts. The institute sent {canalizaciones} referrals to "
                "partner institutions, so that women were attended without having to tell their story again."
            ),
            _("The programs and trainings reached {personas_programas} people in the month."),
            _(
                "Every figure in this report counts only the women who consented to the statistical use of their "
                "data, and small counts are withheld so that no one can be identified (see the note on methods)."
            ),
        ]
    )


def normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def check(text: str) -> None:
    """Raise a Spanish ``ValidationError`` naming every field the text may not use, or a stray brace."""
    text = normalise(text)
    if not text:
        raise ValidationError(_("Write the narrative: it cannot be empty."), code="empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("The narrative is too long: at most %(max)s characters (it has %(n)s).")
            % {"max": format_count(MAX_LENGTH), "n": format_count(len(text))},
            code="too_long",
        )
    problems = []
    for match in BRACES.finditer(text):
        found = FIELD.fullmatch(match.group())
        if found and found.group(1) in PLACEHOLDERS:
            continue
        if len(match.group()) == 1:
            message = _("A brace “%(brace)s” is not part of a field: remove it.") % {"brace": match.group()}
        else:
            message = _("“%(field)s” is not one of the figures offered: use only the fields listed.") % {
                "field": match.group()[:60]
            }
        if message not in problems:
            problems.append(message)
    if problems:
        raise ValidationError(problems, code="field")


def render(text: str, values: dict[str, str]) -> SafeString:
    """The text as HTML paragraphs, each known field replaced by its escaped value, everything else literal."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", normalise(text)):
        parts = []
        position = 0
        for match in FIELD.finditer(paragraph):
            parts.append(escape(paragraph[position : match.start()]))
            name = match.group(1)
            if name in PLACEHOLDERS and name in values:
                parts.append(f'<strong class="figure">{escape(values[name])}</strong>')
            else:
                parts.append(escape(match.group()))
            position = match.end()
        parts.append(escape(paragraph[position:]))
        paragraphs.append("<p>" + "".join(parts).replace("\n", "<br>") + "</p>")
    return mark_safe("\n".join(paragraphs))  # noqa: S308  every piece above is escaped


# --- Which version ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Narrative:
    """The narrative a report uses: a saved version, or the default (version 0, nobody wrote it)."""

    version: int
    text: str
    saved: CouncilNarrative | None = None


def current_narrative() -> Narrative:
    latest = CouncilNarrative.objects.select_related("created_by").first()
    if latest is None:
        return Narrative(version=0, text=default_text())
    return Narrative(version=latest.version, text=latest.text, saved=latest)


def narrative_history(limit: int = 10) -> list[CouncilNarrative]:
    return list(CouncilNarrative.objects.select_related("created_by")[:limit])
