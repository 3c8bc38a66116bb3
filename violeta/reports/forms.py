"""The dashboard's filters: a POSTed form whose choice is kept in the session, never in the URL (a colonia or an
age group in an address would end up in logs and browser histories)."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area
from violeta.core.forms import BootstrapFormMixin, DateInput
from violeta.people.models import Neighborhood
from violeta.programs.models import AgeGroup, Program
from violeta.reports.indicators import Filters, Rule

SESSION_KEY = "reports_dashboard_filters"
# A longer period is a question for the benchmarks' summary tables, not for a page that answers while one waits.
MAX_DAYS = 366 * 5
EARLIEST = date(2000, 1, 1)
COURSES = "superacion"  # Filters.program: the Superación en acción courses


def last_full_month(today: date | None = None) -> tuple[date, date]:
    first_of_this = (today or timezone.localdate()).replace(day=1)
    last = first_of_this - timedelta(days=1)
    return last.replace(day=1), last


class FiltersForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("All the areas"),
    )
    program = forms.ChoiceField(label=_("Program"), required=False)
    neighborhood = forms.ModelChoiceField(
        label=_("Colonia"),
        queryset=Neighborhood.objects.all(),
        required=False,
        empty_label=_("All the colonias"),
    )
    age_group = forms.ChoiceField(
        label=_("Age group"), choices=[("", _("All the ages")), *AgeGroup.choices], required=False
    )
    rule = forms.ChoiceField(
        label=_("Which women are counted"),
        choices=Rule.choices,
        initial=Rule.INTERNAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [
            ("", _("All the programs")),
            *Program.choices,
            (COURSES, _("Superación en acción courses")),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts: check the dates."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error("end", _("Choose a period of five years or less."))
        if start and start < EARLIEST:
            self.add_error("start", _("Choose a date from the year 2000 on."))
        if end and end > timezone.localdate() + timedelta(days=366):
            self.add_error("end", _("Choose a date no more than a year ahead."))
        return data

    def filters(self) -> tuple[Filters, Rule]:
        """The figures' filters and rule, from a valid form."""
        data = self.cleaned_data
        area, hood = data.get("area"), data.get("neighborhood")
        filters = Filters(
            start=data["start"],
            end=data["end"],
            area=area.code if area else "",
            program=data.get("program") or "",
            neighborhood=hood.pk if hood else None,
            age_group=data.get("age_group") or "",
        )
        return filters, Rule(data["rule"])


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
