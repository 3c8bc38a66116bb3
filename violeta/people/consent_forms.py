"""The forms of her consents: recording one at the desk (her signature drawn on the tablet, or verbal before a
witness), withdrawing one, and the director's default validity per purpose."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import CASE_ROLES
from violeta.core.forms import BootstrapFormMixin, DateInput
from violeta.core.validators import validate_not_future
from violeta.people.models import ConsentMethod, ConsentPurpose, WithdrawalMeans
from violeta.people.signature import signature_from_data_url


class ConsentForm(BootstrapFormMixin, forms.Form):
    """A consent recorded at the desk. Granted, it needs her signature (drawn in the box; the page's script puts
    it in ``signature`` as a PNG data URL) or verbal consent with the witness named. Without JavaScript only the
    verbal option works. An empty expiry takes the purpose's default validity; "no expiry" keeps it open."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    granted = forms.BooleanField(label=_("She consents"), required=False, initial=True)
    given_on = forms.DateField(label=_("Date"), widget=DateInput(), validators=[validate_not_future])
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the default validity of the purpose."),
    )
    no_expiry = forms.BooleanField(label=_("No expiry: until she withdraws it"), required=False)
    scope = forms.CharField(label=_("Scope"), max_length=255, required=False)
    method = forms.ChoiceField(
        label=_("How she gives it"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        initial=ConsentMethod.VERBAL,
        required=False,
    )
    witness = forms.ModelChoiceField(
        label=_("Witness"), queryset=get_user_model().objects.none(), required=False
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        staff = (
            get_user_model().objects.filter(is_active=True, role__in=CASE_ROLES).order_by("full_name", "pk")
        )
        if user is not None:
            staff = staff.exclude(pk=user.pk)
        self.fields["witness"].queryset = staff

    def clean(self):
        data = super().clean()
        data["signature_png"] = None
        if not data.get("granted"):
            data["method"], data["witness"] = "", None
            return data
        method = data.get("method")
        if method == ConsentMethod.SIGNATURE:
            try:
                data["signature_png"] = signature_from_data_url(data.get("signature", ""))
            except ValidationError as exc:
                self.add_error("method", exc)
        elif method == ConsentMethod.VERBAL:
            if not data.get("witness"):
                self.add_error("witness", _("Name the staff member who witnessed her verbal consent."))
        else:
            self.add_error("method", _("Choose her signature or verbal consent before a witness."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "purpose": data["purpose"],
            "granted": data["granted"],
            "given_on": data["given_on"],
            "scope": data["scope"],
            "method": data["method"] or "",
            "signature_png": data["signature_png"],
            "witness": data["witness"],
        }
        if data["no_expiry"]:
            kwargs["expires_on"] = None
        elif data["expires_on"]:
            kwargs["expires_on"] = data["expires_on"]
        return kwargs


class ConsentWithdrawForm(BootstrapFormMixin, forms.Form):
    means = forms.ChoiceField(
        label=_("How she withdrew it"),
        choices=[c for c in WithdrawalMeans.choices if c[0] != WithdrawalMeans.ARCO],
    )
    note = forms.CharField(
        label=_("What she said"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsentValidityForm(BootstrapFormMixin, forms.Form):
    """One field per purpose: months a consent holds by default (empty: no expiry)."""

    def __init__(self, *args, current: dict[str, int | None], **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in ConsentPurpose.choices:
            self.fields[value] = forms.IntegerField(
                label=label,
                required=False,
                min_value=1,
                max_value=120,
                initial=current.get(value),
                help_text=_("Months. Empty: no expiry."),
            )
