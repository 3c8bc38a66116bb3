"""Forms of the visits to companies and of campaigns: they parse; the services (``programs.visits``) decide."""

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin, DateInput, DateTimeInput
from violeta.programs.models import AgeGroup, EventKind, Organization, OrganizationKind, Sex

OFFERED = [
    ("offered_talk", _("Talk")),
    ("offered_legal", _("Legal advice")),
    ("offered_psychology", _("Psychological care")),
]


class VisitForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Organization.objects.filter(kind=OrganizationKind.COMPANY, is_active=True),
    )
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput())
    offered = forms.MultipleChoiceField(
        label=_("What was offered"),
        choices=OFFERED,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Say what was offered at the visit: a talk, legal advice or psychology.")
        },
    )
    women_reached = forms.IntegerField(
        label=_("Women reached"),
        min_value=0,
        max_value=100_000,
        initial=0,
        help_text=_("How many women took part in the talk or came to the stand."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("About the visit, never about a woman who consulted."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            kind=OrganizationKind.COMPANY, is_active=True
        ).order_by("name")
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        offered = set(data.pop("offered"))
        data.update({name: name in offered for name, _label in OFFERED})
        return data


class VisitConsultationForm(BootstrapFormMixin, forms.Form):
    folio = forms.CharField(
        label=_("Folio of her case file"),
        max_length=20,
        help_text=_("If she has no case file yet, do her first interview and come back with its folio."),
    )
    started_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=480, initial=30
    )
    summary = forms.CharField(
        label=_("Summary for the team"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the rest of the team needs to know. No clinical details."),
    )
    next_steps = forms.CharField(
        label=_("Agreements and next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area_note = forms.CharField(
        label=_("Note for my area only"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the staff of your area will be able to read it."),
    )

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if visit is not None and not self.is_bound:
            now = timezone.localtime()
            if visit.visited_on != now.date():
                now = now.replace(
                    year=visit.visited_on.year, month=visit.visited_on.month, day=visit.visited_on.day
                )
                now = now.replace(hour=10, minute=0)
            self.initial.setdefault("started_at", now.replace(second=0, microsecond=0))

    def clean_folio(self):
        return self.cleaned_data["folio"].strip().upper()


class CampaignForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, help_text=_("For example: 16 días de activismo."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def reach_field_name(sex: str, age_group: str) -> str:
    return f"reach_{sex}_{age_group}".replace("-", "_").replace("+", "plus")


class CampaignEventForm(BootstrapFormMixin, forms.Form):
    """An event and its people reached: a small table of whole numbers, by sex and age group, with no names."""

    title = forms.CharField(label=_("Title"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=BLANK_CHOICE_DASH + EventKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for sex, sex_label in Sex.choices:
            for age, age_label in AgeGroup.choices:
                self.fields[reach_field_name(sex, age)] = forms.IntegerField(
                    label=f"{sex_label}, {age_label}",
                    min_value=0,
                    max_value=100_000,
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"class": "form-control form-control-sm text-end", "min": 0}
                    ),
                )

    def main_fields(self):
        return [self[name] for name in ("title", "kind", "held_on", "place", "notes")]

    def reach_rows(self):
        """(sex label, [bound fields by age group]) for the template's table."""
        return [
            (sex_label, [self[reach_field_name(sex, age)] for age in AgeGroup.values])
            for sex, sex_label in Sex.choices
        ]

    def reach_errors(self):
        return [
            error
            for sex in Sex.values
            for age in AgeGroup.values
            for error in self[reach_field_name(sex, age)].errors
        ]

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ("title", "kind", "held_on", "place", "notes")}
        data["reach"] = {
            (sex, age): self.cleaned_data.get(reach_field_name(sex, age))
            for sex in Sex.values
            for age in AgeGroup.values
        }
        return data
