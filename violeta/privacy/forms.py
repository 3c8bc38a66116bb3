from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin, CurpField, DateInput, PhoneField
from violeta.core.validators import validate_birth_date, validate_not_future
from violeta.privacy.models import ArcoRight, IdentityCheck, Opposition


class ArcoRequestForm(BootstrapFormMixin, forms.Form):
    right = forms.ChoiceField(label=_("Right she exercises"), choices=ArcoRight.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput(), initial=timezone.localdate)
    identity_check = forms.ChoiceField(
        label=_("How her identity was verified"), choices=IdentityCheck.choices
    )
    identity_notes = forms.CharField(
        label=_("Identity verification notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Do not copy ID numbers: say what was shown and who saw it."),
    )
    description = forms.CharField(label=_("What she asks"), widget=forms.Textarea(attrs={"rows": 4}))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ResponseForm(BootstrapFormMixin, forms.Form):
    response = forms.CharField(label=_("Answer given to her"), widget=forms.Textarea(attrs={"rows": 4}))


class RectificationForm(BootstrapFormMixin, forms.Form):
    """Her identity data as it is now; the handler writes the corrections she asked for."""

    given_names = forms.CharField(label=_("given name(s)"), max_length=100)
    first_surname = forms.CharField(label=_("first surname"), max_length=80)
    second_surname = forms.CharField(label=_("second surname"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=_("date of birth"), required=False, widget=DateInput(), validators=[validate_birth_date]
    )
    curp = CurpField(label=_("CURP"), required=False)
    phone = PhoneField(label=_("phone"), required=False)
    phone_alt = PhoneField(label=_("other phone"), required=False)
    email = forms.EmailField(label=_("email"), required=False)
    address = forms.CharField(label=_("address (street and number)"), required=False)
    postal_code = forms.CharField(label=_("postal code"), max_length=5, required=False)

    @classmethod
    def for_person(cls, person, data=None):
        initial = {name: getattr(person, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


class OppositionForm(BootstrapFormMixin, forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Processing she opposes"), choices=Opposition.choices, widget=forms.CheckboxSelectMultiple
    )


class BreachForm(BootstrapFormMixin, forms.Form):
    detected_on = forms.DateField(
        label=_("detected on"), widget=DateInput(), validators=[validate_not_future]
    )
    description = forms.CharField(label=_("what happened"), widget=forms.Textarea(attrs={"rows": 4}))
    data_affected = forms.CharField(
        label=_("data affected"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The kinds of data (e.g. names and phones), never the data itself."),
    )
    people_affected = forms.IntegerField(label=_("people affected (count)"), min_value=0)
    measures = forms.CharField(
        label=_("measures taken"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    people_notified_on = forms.DateField(
        label=_("affected people notified on"),
        required=False,
        widget=DateInput(),
        validators=[validate_not_future],
    )
    authority_notified_on = forms.DateField(
        label=_("authority notified on"), required=False, widget=DateInput(), validators=[validate_not_future]
    )


class PersonSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Search her by name, CURP or phone"), min_length=3, max_length=100)
