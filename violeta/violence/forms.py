from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin, DateInput
from violeta.core.validators import validate_not_future
from violeta.people.models import Neighborhood, Schooling
from violeta.violence.models import (
    Aggressor,
    DatePrecision,
    Injuries,
    PlaceKind,
    ProtectionOrder,
    TraffickingIndicator,
    ViolenceModality,
    ViolenceType,
    YesNoUnknown,
)


class ViolenceForm(BootstrapFormMixin, forms.Form):
    """Bootstrap classes; checkbox lists and radios as checks (the mixin marks them ``is_choice_list``)."""


class IncidentForm(ViolenceForm):
    occurred_on = forms.DateField(
        label=_("When it happened"), widget=DateInput(), validators=[validate_not_future]
    )
    date_precision = forms.ChoiceField(
        label=_("How exact is the date?"), choices=DatePrecision.choices, initial=DatePrecision.EXACT
    )
    types = forms.MultipleChoiceField(
        label=_("Types of violence"), choices=ViolenceType.choices, widget=forms.CheckboxSelectMultiple
    )
    modality = forms.ChoiceField(label=_("Modality"), choices=ViolenceModality.choices)
    place_kind = forms.ChoiceField(label=_("Kind of place"), choices=PlaceKind.choices)
    neighborhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighborhood.objects.all(),
        required=False,
        empty_label=_("— Select the neighborhood —"),
    )
    narrative = forms.CharField(
        label=_("What happened, in her words"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Encrypted. Write it once so she does not have to tell it again."),
    )
    injuries = forms.ChoiceField(label=_("Injuries"), choices=Injuries.choices, initial=Injuries.NONE)
    reported_to_prosecutor = forms.BooleanField(
        label=_("Reported to the prosecutor's office"), required=False
    )
    reported_where = forms.CharField(label=_("Where it was reported"), required=False, max_length=150)
    children_witnessed = forms.BooleanField(label=_("Children witnessed it"), required=False)
    children_victims = forms.BooleanField(label=_("Children suffered it too"), required=False)
    aggressors = forms.ModelMultipleChoiceField(
        label=_("Aggressors"),
        queryset=Aggressor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        aggressors = Aggressor.objects.filter(case=case)
        if aggressors.exists():
            self.fields["aggressors"].queryset = aggressors
            self.fields["aggressors"].label_from_instance = lambda a: a.get_relationship_display()
        else:
            del self.fields["aggressors"]  # record the aggressor first to link him or her
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localdate())


class AggressorForm(ViolenceForm):
    relationship = forms.ChoiceField(label=_("Relationship to her"), choices=Aggressor.Relationship.choices)
    alias = forms.CharField(
        label=_("Name or alias, as she gives it"),
        required=False,
        max_length=150,
        help_text=_("Optional. Encrypted."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Aggressor.Sex.choices, initial=Aggressor.Sex.MAN)
    age_range = forms.ChoiceField(label=_("Age range"), choices=Aggressor.AgeRange.choices, initial="unknown")
    schooling = forms.ChoiceField(label=_("Schooling"), choices=Schooling.choices, initial=Schooling.UNKNOWN)
    lives_with_her = forms.ChoiceField(
        label=_("Lives with her"), choices=YesNoUnknown.choices, initial="unknown"
    )
    weapons_access = forms.ChoiceField(
        label=_("Has access to weapons"), choices=YesNoUnknown.choices, initial="unknown"
    )
    substance_use = forms.ChoiceField(
        label=_("Abuses alcohol or drugs"), choices=YesNoUnknown.choices, initial="unknown"
    )
    violent_to_others = forms.ChoiceField(
        label=_("Known violence towards others"), choices=YesNoUnknown.choices, initial="unknown"
    )
    organised_crime = forms.ChoiceField(
        label=_("Links to organised crime (as she reports it)"),
        choices=YesNoUnknown.choices,
        initial="unknown",
    )


ANSWER_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Unknown"))]


class AssessmentForm(ViolenceForm):
    """One radio group per item of the instrument (built from its data), then the professional's judgement."""

    final_level = forms.ChoiceField(label=_("Final level"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for changing the level"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required if the final level differs from the level of the score."),
    )
    notes = forms.CharField(
        label=_("Professional judgement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["final_level"].choices = [("", _("The level of the score"))] + [
            (level["code"], level["label"]) for level in instrument.levels
        ]
        for item in instrument.items:
            self.fields[f"item_{item['code']}"] = forms.ChoiceField(
                label=item["text"],
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Answer this item (choose “Unknown” if she does not know).")},
            )

    def item_rows(self):
        for item in self.instrument.items:
            yield item, self[f"item_{item['code']}"]

    def answers(self) -> dict[str, str]:
        return {item["code"]: self.cleaned_data[f"item_{item['code']}"] for item in self.instrument.items}


class SafetyPlanForm(ViolenceForm):
    safe_places = forms.CharField(
        label=_("Safe places she can go to"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    people_who_know = forms.CharField(
        label=_("People who know and can help"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    code_word = forms.CharField(label=_("Code word with her support network"), required=False, max_length=100)
    documents_ready = forms.BooleanField(
        label=_("Documents ready (ID, birth certificates, CURP)"), required=False
    )
    money_ready = forms.BooleanField(label=_("Money and keys put aside"), required=False)
    documents_notes = forms.CharField(
        label=_("Where documents, money and keys are"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    how_to_leave = forms.CharField(
        label=_("How to leave safely"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    children_plan = forms.CharField(
        label=_("Plan for her children"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    digital_safety = forms.CharField(
        label=_("Digital safety (phone, accounts, location)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    other = forms.CharField(
        label=_("Other agreements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    review_on = forms.DateField(
        label=_("Review it with her on"),
        required=False,
        widget=DateInput(),
        help_text=_("You will get a reminder that morning."),
    )


class ProtectionOrderForm(ViolenceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProtectionOrder.Kind.choices)
    authority = forms.CharField(label=_("Authority"), max_length=150)
    status = forms.ChoiceField(
        label=_("Status"), choices=ProtectionOrder.Status.choices, initial=ProtectionOrder.Status.REQUESTED
    )
    measures = forms.CharField(
        label=_("Measures granted"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput())
    granted_on = forms.DateField(label=_("Granted on"), required=False, widget=DateInput())
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput(),
        help_text=_("At most 60 days after the grant."),
    )
    extended_until = forms.DateField(
        label=_("Extended until"),
        required=False,
        widget=DateInput(),
        help_text=_("At most 30 days after the original expiry."),
    )


class ScreeningForm(ViolenceForm):
    indicators = forms.MultipleChoiceField(
        label=_("Indicators present"),
        choices=TraffickingIndicator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Any indicator flags the case file for a specialised referral."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExpiringForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=90, required=False)


class PriorityForm(ViolenceForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It stays in the case file, visible to the team."),
    )
