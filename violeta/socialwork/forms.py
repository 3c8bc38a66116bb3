from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin, DateInput
from violeta.socialwork.models import (
    ApplicationKind,
    ApplicationStatus,
    NeedDimension,
    NeedLevel,
    OrientationTopic,
)


class AssessmentForm(BootstrapFormMixin, forms.Form):
    """A level and notes for each dimension, built from NeedDimension."""

    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in NeedDimension.choices:
            # No default level: each one is a decision she and the social worker make.
            self.fields[f"{value}_level"] = forms.ChoiceField(
                label=label, choices=[("", "—"), *NeedLevel.choices]
            )
            self.fields[f"{value}_notes"] = forms.CharField(
                label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
        # Fields added after the mixin ran: style them too.
        for name, field in self.fields.items():
            if name != "assessed_on":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css

    def rows(self):
        return [(self[f"{v}_level"], self[f"{v}_notes"]) for v in NeedDimension.values]

    def items(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {v: (data[f"{v}_level"], data[f"{v}_notes"]) for v in NeedDimension.values}


class ApplicationForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ApplicationKind.choices)
    program = forms.CharField(label=_("Program or scholarship"), max_length=150)
    institution = forms.CharField(label=_("Institution"), max_length=150)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ApplicationStatus.PENDING, ApplicationStatus.PENDING.label),
            (ApplicationStatus.SUBMITTED, ApplicationStatus.SUBMITTED.label),
        ],
    )
    submitted_on = forms.DateField(label=_("Submitted on"), required=False, widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only social work will be able to read them."),
    )


class OutcomeForm(BootstrapFormMixin, forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (s, s.label)
            for s in (ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
        ],
    )
    submitted_on = forms.DateField(label=_("Submitted on"), required=False, widget=DateInput())
    outcome_on = forms.DateField(label=_("Outcome date"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000)


class OrientationForm(BootstrapFormMixin, forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=OrientationTopic.choices)
    given_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only social work will be able to read them."),
    )
