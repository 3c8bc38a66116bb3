from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin, CurpField, DateInput, PhoneField
from violeta.people.models import Consent, ConsentPurpose, Gender, Neighborhood, PhoneChoice


class PersonForm(BootstrapFormMixin, forms.Form):
    """Identity, contact and intersectional data of a person, parsed at the edge."""

    given_names = forms.CharField(label=_("Nombre(s)"), max_length=100)
    first_surname = forms.CharField(label=_("Primer apellido"), max_length=80)
    second_surname = forms.CharField(label=_("Segundo apellido"), max_length=80, required=False)
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), required=False, widget=DateInput())
    approximate_age = forms.IntegerField(
        label=_("Edad aproximada"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Solo si no conoce la fecha de nacimiento."),
    )
    gender = forms.ChoiceField(label=_("Identidad de género"), choices=Gender.choices, initial=Gender.WOMAN)
    curp = CurpField(label=_("CURP"), required=False)
    phone = PhoneField(label=_("Teléfono"), required=False, help_text=_("Por ejemplo 614 490 0789."))
    phone_alt = PhoneField(label=_("Otro teléfono"), required=False)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)
    address = forms.CharField(label=_("Calle y número"), required=False, max_length=300)
    neighborhood = forms.ModelChoiceField(
        label=_("Colonia"),
        queryset=Neighborhood.objects.all(),
        required=False,
        empty_label=_("— Seleccione su colonia —"),
    )
    postal_code = forms.RegexField(
        label=_("Código postal"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("El código postal tiene 5 dígitos.")},
    )
    indigenous_people = forms.CharField(
        label=_("Pueblo indígena con el que se identifica"),
        required=False,
        max_length=80,
        help_text=_("Opcional, por autoadscripción. Por ejemplo: rarámuri, ódami, o'oba, warijó."),
    )
    indigenous_language = forms.CharField(label=_("Lengua indígena que habla"), required=False, max_length=80)
    disability = forms.CharField(label=_("Discapacidad"), required=False, max_length=120)

    def clean(self):
        data = super().clean()
        if data.get("birth_date") and data.get("approximate_age") is not None:
            self.add_error(
                "approximate_age", _("Indique la fecha de nacimiento o la edad aproximada, no ambas.")
            )
        hood, postal_code = data.get("neighborhood"), data.get("postal_code")
        if hood and postal_code and hood.postal_code != postal_code:
            self.add_error(
                "postal_code",
                _("El código postal de %(colonia)s es %(cp)s.")
                % {"colonia": hood.name, "cp": hood.postal_code},
            )
        return data


class SafeContactForm(BootstrapFormMixin, forms.Form):
    phone_choice = forms.ChoiceField(label=_("Teléfono seguro"), choices=PhoneChoice.choices)
    may_call = forms.BooleanField(label=_("Se le puede llamar"), required=False)
    may_leave_message = forms.BooleanField(label=_("Se le puede dejar recado"), required=False)
    may_sms = forms.BooleanField(label=_("Se le pueden enviar SMS"), required=False)
    best_hours = forms.CharField(label=_("Horario seguro"), required=False, max_length=120)
    code_word = forms.CharField(
        label=_("Palabra clave"),
        required=False,
        max_length=60,
        help_text=_("Para confirmar que habla con ella, o para que avise que no puede hablar."),
    )
    notes = forms.CharField(label=_("Indicaciones"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "granted", "given_on", "scope"]
        widgets = {"given_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = ConsentPurpose.choices


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Nombre, CURP o teléfono"), required=False, max_length=100)
