from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.forms import ConsultationForm
from violeta.core.forms import BootstrapFormMixin, DateInput
from violeta.psychology.models import Approach, DischargeReason, Frequency, GoalStatus


class PlanForm(BootstrapFormMixin, forms.Form):
    focus = forms.CharField(
        label=_("Clinical focus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the treatment will work on. Only psychology will be able to read it."),
    )
    approach = forms.ChoiceField(label=_("Approach"), choices=Approach.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput(), initial=timezone.localdate)
    goals = forms.CharField(
        label=_("Goals"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One goal per line."),
    )

    def clean_goals(self):
        return [line.strip() for line in self.cleaned_data["goals"].splitlines() if line.strip()]


class PlanUpdateForm(PlanForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["started_on"]
        del self.fields["goals"]


class GoalAddForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label=_("New goal"), max_length=500)


class GoalStatusForm(forms.Form):
    goal = forms.IntegerField()
    status = forms.ChoiceField(choices=GoalStatus.choices)


class SessionForm(ConsultationForm):
    """A consultation of psychology plus the progress note; the area-note field gives way to the progress note."""

    progress_note = forms.CharField(
        label=_("Progress note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only psychology will be able to read it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["area_note"]


class ScaleForm(BootstrapFormMixin, forms.Form):
    """One field per item of the scale, built from the scale's data."""

    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.scale = scale
        for number in range(1, scale.item_count + 1):
            self.fields[f"item_{number}"] = forms.IntegerField(
                label=_("Item %(n)s") % {"n": number},
                min_value=scale.item_min,
                max_value=scale.item_max,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )

    def item_fields(self):
        return [self[f"item_{n}"] for n in range(1, self.scale.item_count + 1)]

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, self.scale.item_count + 1)]


class DischargeForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason for discharge"), choices=DischargeReason.choices)
    ended_on = forms.DateField(label=_("Discharge date"), widget=DateInput(), initial=timezone.localdate)
    summary = forms.CharField(
        label=_("Discharge summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How she is, what was achieved and what is recommended. Only psychology will read it."),
    )
