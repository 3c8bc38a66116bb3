"""The public form of a training request (she or he is spoken to as tú: the public site) and staff's handling."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.core.forms import BootstrapFormMixin, PhoneField
from violeta.programs.models import REQUEST_KINDS, Organization, RequestStatus, Topic, Training

HONEYPOT = "website"


class PublicPhoneField(PhoneField):
    """The phone field of a public form: the same parsing, its error spoken as tú."""

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as exc:
            raise ValidationError(_("Write your phone with 10 digits, for example 614 490 0789.")) from exc


class TrainingRequestForm(forms.Form):
    organization_name = forms.CharField(
        label=_("Organisation"),
        max_length=150,
        error_messages={"required": _("Write the name of your organisation.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", pgettext_lazy("empty choice of a public select", "Choose one…")), *REQUEST_KINDS],
        error_messages={"required": _("Choose the kind of organisation.")},
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        error_messages={"required": _("Write your name so we know who to ask for.")},
    )
    phone = PublicPhoneField(
        label=_("Phone"), required=False, help_text=_("10 digits, for example 614 490 0789.")
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Write a valid e-mail, like name@example.com.")},
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label=pgettext_lazy("empty choice of a public select", "I am not sure yet"),
    )
    people = forms.IntegerField(
        label=_("How many people would attend"),
        min_value=1,
        max_value=5000,
        error_messages={
            "required": _("Write how many people would attend, even if approximate."),
            "invalid": _("Write the number of people with digits, for example 25."),
            "min_value": _("Write at least 1 person."),
            "max_value": _("For more than 5000 people, write to us in the message."),
        },
    )
    preferred_dates = forms.CharField(
        label=_("Preferred dates"),
        max_length=200,
        required=False,
        help_text=_("For example: mornings of March."),
    )
    message = forms.CharField(
        label=_("Message"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def clean(self):
        data = super().clean()
        if (
            not self.errors.get("phone")
            and not self.errors.get("email")
            and not (data.get("phone") or data.get("email"))
        ):
            raise ValidationError(_("Give us a phone or an e-mail so we can contact you."))
        return data

    def request_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != HONEYPOT}


class RequestHandleForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RequestStatus.choices)
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.filter(is_active=True), required=False
    )
    training = forms.ModelChoiceField(label=_("Training"), queryset=Training.objects.all(), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
