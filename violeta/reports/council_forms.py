"""The forms of the council report: the month to generate, and the narrative the director edits."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.reports.council_narrative import MAX_LENGTH, check, normalise

MONTH = re.compile(r"(\d{4})-(\d{1,2})")
FIRST_YEAR = 2000


class CouncilMonthForm(forms.Form):
    """The month of the report, as ``2026-11`` (what a browser's month picker sends) or ``11/2026``."""

    month = forms.CharField(
        label=_("Month"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control", "placeholder": "2026-11"}),
        help_text=_("A month that has already started; the current one gives the figures up to today."),
    )

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"].strip()
        match = MONTH.fullmatch(value)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
        else:
            other = re.fullmatch(r"(\d{1,2})/(\d{4})", value)
            if not other:
                raise ValidationError(
                    _("Write the month as year and month, for example 2026-11."), code="format"
                )
            month, year = int(other.group(1)), int(other.group(2))
        if not 1 <= month <= 12:
            raise ValidationError(_("The month must be between 1 and 12."), code="month")
        today = timezone.localdate()
        if (year, month) > (today.year, today.month):
            raise ValidationError(_("The month has not started yet: choose this month or an earlier one."))
        if year < FIRST_YEAR:
            raise ValidationError(_("Choose a month from %(year)s on.") % {"year": FIRST_YEAR})
        return year, month


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Narrative"),
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "form-control"}),
        help_text=_(
            "Plain text; a blank line starts a new paragraph. Figures go in braces, as listed below."
        ),
    )

    def clean_text(self) -> str:
        text = normalise(self.cleaned_data["text"])
        check(text)
        return text
