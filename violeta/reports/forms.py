"""The dashboard's filters: a POSTed form whose choice is kept in the session, never in the URL (a colonia or an
age group in an address would end up in logs and browser histories)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.reports.filters import FilterForm, last_full_month
from violeta.reports.indicators import Filters, Rule

SESSION_KEY = "reports_dashboard_filters"


class FiltersForm(FilterForm):
    """The exports' filters and the consent rule the figures are counted under (the dashboard is internal)."""

    rule = forms.ChoiceField(
        label=_("Which women are counted"),
        choices=Rule.choices,
        initial=Rule.INTERNAL,
        widget=forms.RadioSelect,
    )

    def filters(self) -> tuple[Filters, Rule]:
        """The figures' filters and rule, from a valid form."""
        return super().filters(), Rule(self.cleaned_data["rule"])


def defaults() -> dict:
    start, end = last_full_month()
    return {"start": start.isoformat(), "end": end.isoformat(), "rule": Rule.INTERNAL.value}


def remember(session, form: FiltersForm) -> None:
    """Keep a valid choice in her session as form input, read back through the same form (``recalled``)."""
    filters, rule = form.filters()
    chosen = {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "area": filters.area,
        "program": filters.program,
        "neighborhood": "" if filters.neighborhood is None else str(filters.neighborhood),
        "age_group": filters.age_group,
        "rule": rule.value,
    }
    session[SESSION_KEY] = {name: value for name, value in chosen.items() if value}


def recalled(session) -> FiltersForm:
    """The form as she last chose it, validated again (a colonia may be gone); else the last full month."""
    stored = session.get(SESSION_KEY)
    if stored:
        form = FiltersForm(stored)
        if form.is_valid():
            return form
    form = FiltersForm(defaults())
    form.is_valid()
    return form
