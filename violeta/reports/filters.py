"""The filter form: what a person chooses (period, area, program, colonia, age group), parsed into ``Filters``.

Filters travel in a POSTed form, never in the URL's query string (issue 18). The exports use ``FilterForm``; the
dashboard's ``reports.forms.FiltersForm`` adds the consent rule to it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area
from violeta.core.forms import BootstrapFormMixin, DateInput
from violeta.people.models import Neighborhood
from violeta.programs.models import AgeGroup, Program
from violeta.reports.indicators import INDICATORS, Filters

# A longer period is a question for the benchmarks' summary tables, not for a page that answers while one waits.
MAX_DAYS = 366 * 5
EARLIEST = date(2000, 1, 1)
COURSES = "superacion"  # Filters.program: the Superación en acción courses


def last_full_month(today: date | None = None) -> tuple[date, date]:
    first_of_this = (today or timezone.localdate()).replace(day=1)
    last = first_of_this - timedelta(days=1)
    return last.replace(day=1), last


class FilterForm(BootstrapFormMixin, forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [
            ("", _("All the programs")),
            *Program.choices,
            (COURSES, _("Superación en acción courses")),
        ]
        if not self.is_bound:
            start, end = last_full_month()
            self.initial.setdefault("start", start)
            self.initial.setdefault("end", end)

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

    def filters(self) -> Filters:
        """The ``Filters`` of a valid form."""
        data = self.cleaned_data
        area, hood = data.get("area"), data.get("neighborhood")
        return Filters(
            start=data["start"],
            end=data["end"],
            area=area.code if area else "",
            program=data.get("program") or "",
            neighborhood=hood.pk if hood else None,
            age_group=data.get("age_group") or "",
        )


FORMATS = [("xlsx", _("Excel (XLSX)")), ("csv", _("CSV"))]


class ExportForm(FilterForm):
    """The filters, which indicator (or all of them) and the file's format."""

    indicator = forms.ChoiceField(label=_("Figure"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="xlsx")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            ("", _("All the figures (one sheet each)")),
            *((slug, one.title) for slug, one in INDICATORS.items()),
        ]


class BanavimForm(FilterForm):
    """The BANAVIM export: the period, her colonia and age group (area and program do not apply), the format."""

    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["area"], self.fields["program"]
