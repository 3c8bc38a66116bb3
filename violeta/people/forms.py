from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin, CurpField, DateInput, PhoneField
from violeta.core.validators import validate_birth_date
from violeta.people.matching import split_birth_date
from violeta.people.models import Gender, Neighborhood, PhoneChoice, Schooling


class PersonForm(BootstrapFormMixin, forms.Form):
    """Identity, contact and intersectional data of a person, parsed at the edge."""

    given_names = forms.CharField(label=_("Given name(s)"), max_length=100)
    first_surname = forms.CharField(label=_("First surname"), max_length=80)
    second_surname = forms.CharField(label=_("Second surname"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(), validators=[validate_birth_date]
    )
    approximate_age = forms.IntegerField(
        label=_("Approximate age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Only if the date of birth is not known."),
    )
    gender = forms.ChoiceField(label=_("Gender identity"), choices=Gender.choices, initial=Gender.WOMAN)
    curp = CurpField(label=_("CURP"), required=False)
    phone = PhoneField(label=_("Phone"), required=False, help_text=_("For example 614 490 0789."))
    phone_alt = PhoneField(label=_("Other phone"), required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Street and number"), required=False, max_length=300)
    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood"),
        queryset=Neighborhood.objects.all(),
        required=False,
        empty_label=_("— Select the neighborhood —"),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("The postal code has 5 digits.")},
    )
    indigenous_people = forms.CharField(
        label=_("Indigenous people she identifies with"),
        required=False,
        max_length=80,
        help_text=_("Optional, self-identified. For example: rarámuri, ódami, o'oba, warijó."),
    )
    indigenous_language = forms.CharField(
        label=_("Indigenous language she speaks"), required=False, max_length=80
    )
    disability = forms.CharField(label=_("Disability"), required=False, max_length=120)
    schooling = forms.ChoiceField(
        label=_("Schooling"),
        required=False,
        choices=[("", _("— Not asked —")), *Schooling.choices],
        help_text=_("The highest level she completed."),
    )

    def clean(self):
        data = super().clean()
        if data.get("birth_date") and data.get("approximate_age") is not None:
            self.add_error("approximate_age", _("Give the date of birth or the approximate age, not both."))
        hood, postal_code = data.get("neighborhood"), data.get("postal_code")
        if hood and postal_code and hood.postal_code != postal_code:
            self.add_error(
                "postal_code",
                _("The postal code of %(colonia)s is %(cp)s.")
                % {"colonia": hood.name, "cp": hood.postal_code},
            )
        return data


class SafeContactForm(BootstrapFormMixin, forms.Form):
    phone_choice = forms.ChoiceField(label=_("Safe phone"), choices=PhoneChoice.choices)
    may_call = forms.BooleanField(label=_("May be called"), required=False)
    may_leave_message = forms.BooleanField(label=_("A message may be left"), required=False)
    may_sms = forms.BooleanField(label=_("May receive SMS"), required=False)
    best_hours = forms.CharField(label=_("Safe hours"), required=False, max_length=120)
    code_word = forms.CharField(
        label=_("Code word"),
        required=False,
        max_length=60,
        help_text=_("To confirm you are speaking with her, or for her to signal that she cannot talk."),
    )
    notes = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, CURP or phone"), required=False, max_length=100)

    def clean_q(self):
        q = self.cleaned_data["q"]
        split_birth_date(q)  # a birth date typed with the name must exist and not be in the future
        return q
