from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.mx import curp as stdnum_curp

from violeta.accounts.models import Role, User
from violeta.card.models import Branch, Merchant, MerchantCategory
from violeta.core.forms import BootstrapFormMixin, CurpField, DateInput, PhoneField
from violeta.core.validators import validate_birth_date
from violeta.people.models import Neighborhood


class NeighborhoodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.postal_code})"


class ApplicationForm(BootstrapFormMixin, forms.Form):
    """What she fills in on her phone; the desk form adds the documents seen in person."""

    given_names = forms.CharField(label=gettext_lazy("Given name(s)"), max_length=100)
    first_surname = forms.CharField(label=gettext_lazy("First surname"), max_length=80)
    second_surname = forms.CharField(label=gettext_lazy("Second surname"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"), widget=DateInput(), validators=[validate_birth_date]
    )
    curp = CurpField(label=gettext_lazy("CURP"))
    address = forms.CharField(label=gettext_lazy("Street and number"), max_length=200)
    neighborhood = NeighborhoodChoiceField(
        label=gettext_lazy("Colonia"),
        queryset=Neighborhood.objects.order_by("name", "postal_code"),
        required=False,
        empty_label=gettext_lazy("— My colonia is not on the list —"),
    )
    postal_code = forms.RegexField(
        label=gettext_lazy("Postal code"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": gettext_lazy("The postal code has 5 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "5"}),
    )
    phone = PhoneField(label=gettext_lazy("Phone"))
    accepts_sms = forms.BooleanField(
        label=gettext_lazy("I agree to receive text messages (SMS) from the program at this phone"),
        required=False,
        help_text=gettext_lazy("Only the link to your digital card; never your personal details."),
    )
    proof_of_address = forms.FileField(
        label=gettext_lazy("Proof of address (PDF, JPG or PNG)"),
        required=False,
        help_text=gettext_lazy("Water, power or phone bill of the last three months."),
    )
    identification = forms.FileField(
        label=gettext_lazy("Official ID (PDF, JPG or PNG)"),
        required=False,
        help_text=gettext_lazy("INE or passport. If you cannot upload them, bring them to the office."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("proof_of_address", "identification"):
            self.fields[name].widget.attrs["accept"] = "application/pdf,image/jpeg,image/png"

    def clean(self):
        data = super().clean()
        curp, birth = data.get("curp"), data.get("birth_date")
        if curp and birth and stdnum_curp.get_birth_date(curp) != birth:
            self.add_error("birth_date", _("The date of birth does not match the one in the CURP."))
        if not data.get("neighborhood") and not data.get("postal_code"):
            self.add_error("postal_code", _("Choose your colonia or write your postal code."))
        return data

    def documents(self) -> dict:
        return {
            "proof_of_address": self.cleaned_data.get("proof_of_address"),
            "identification": self.cleaned_data.get("identification"),
        }

    def applicant_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name) or ""
            for name in (
                "given_names",
                "first_surname",
                "second_surname",
                "birth_date",
                "curp",
                "address",
                "postal_code",
                "phone",
            )
        } | {"neighborhood": data.get("neighborhood"), "accepts_sms": bool(data.get("accepts_sms"))}


class DeskApplicationForm(ApplicationForm):
    documents_checked_at_desk = forms.BooleanField(
        label=gettext_lazy("Proof of address and ID seen in original at the desk"), required=False
    )


class DocumentsForm(BootstrapFormMixin, forms.Form):
    proof_of_address = forms.FileField(label=gettext_lazy("Proof of address"), required=False)
    identification = forms.FileField(label=gettext_lazy("Official ID"), required=False)
    checked_at_desk = forms.BooleanField(label=gettext_lazy("Originals seen at the desk"), required=False)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)


class ValidateForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Card number"),
        max_length=25,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "0000 0000 0000 0000"}
        ),
    )
    branch = forms.ModelChoiceField(
        label=gettext_lazy("Branch"), queryset=Branch.objects.none(), required=False
    )

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        if account is not None and account.branch_id is None:
            self.fields["branch"].queryset = account.merchant.branches.filter(is_active=True)
        else:
            del self.fields["branch"]


class DirectoryForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=80)
    category = forms.CharField(required=False, max_length=40)
    colonia = forms.IntegerField(required=False, min_value=1)


class MerchantForm(BootstrapFormMixin, forms.ModelForm):
    website = forms.URLField(
        label=gettext_lazy("Website"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Merchant
        fields = [
            "name",
            "category",
            "discount",
            "conditions",
            "contact_name",
            "contact_phone",
            "contact_email",
            "website",
            "agreement_start",
            "agreement_end",
            "status",
        ]
        widgets = {
            "agreement_start": DateInput(),
            "agreement_end": DateInput(),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = MerchantCategory.objects.all()
        self.fields["contact_phone"] = PhoneField(label=_("Contact phone"), required=False)


class AccountLinkForm(BootstrapFormMixin, forms.Form):
    """Tie a till account (created by the system administrator with the merchant role) to this business."""

    user = forms.ModelChoiceField(label=gettext_lazy("Till account"), queryset=User.objects.none())
    branch = forms.ModelChoiceField(
        label=gettext_lazy("Branch"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=gettext_lazy("— Any branch (chosen at each validation) —"),
    )

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role=Role.MERCHANT, is_active=True).order_by(
            "email"
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.email} ({u.full_name})"
        self.fields["branch"].queryset = merchant.branches.filter(is_active=True)


class BranchForm(BootstrapFormMixin, forms.ModelForm):
    neighborhood = NeighborhoodChoiceField(
        label=gettext_lazy("Colonia"),
        queryset=Neighborhood.objects.filter(municipality=settings.INSTITUTE["municipality"]).order_by(
            "name", "postal_code"
        ),
    )

    class Meta:
        model = Branch
        fields = ["name", "address", "neighborhood", "hours", "phone"]
