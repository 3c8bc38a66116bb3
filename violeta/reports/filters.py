"""The filter form: what a person chooses (period, area, program, colonia, age group), parsed into ``Filters``.

Filters travel in a POSTed form, never in the URL's query string (issue 18). The exports use this form; the
dashboard may have its own (the lead reconciles them).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area
from violeta.core.forms import BootstrapFormMixin, DateInput
from violeta.people.models import Neighborhood
from violeta.programs.models import AgeGroup, Program
from violeta.reports.indicators import INDICATORS, Filters

MAX_DAYS = 3 * 366  # a longer period is a slow query for nobody's question


def program_choices():
    return [("", _("All programs")), *Program.choices, ("superacion", _("Superación en acción courses"))]


class FilterForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    area = forms.ChoiceField(label=_("Area"), required=False)
    program = forms.ChoiceField(label=_("Program"), required=False, choices=program_choices)
    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood"),
        queryset=Neighborhood.objects.all(),
        required=False,
        empty_label=_("All neighborhoods"),
    )
    age_group = forms.ChoiceField(
        label=_("Age group"), required=False, choices=[("", _("All ages")), *AgeGroup.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [
            ("", _("All areas")),
            *Area.objects.filter(is_active=True).order_by("name").values_list("code", "name"),
        ]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("start", today.replace(day=1))
            self.initial.setdefault("end", today)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif end - start > timedelta(days=MAX_DAYS):
                self.add_error("end", _("Choose a period of at most three years."))
        return data

    def filters(self) -> Filters:
        """The ``Filters`` of a valid form."""
        data = self.cleaned_data
        hood = data.get("neighborhood")
        return Filters(
            start=data["start"],
            end=data["end"],
            area=data.get("area") or "",
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
