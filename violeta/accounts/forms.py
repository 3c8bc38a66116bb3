from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area, Role, User
from violeta.core.forms import BootstrapFormMixin


class StaffForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.filter(is_active=True),
        required=False,
        help_text=_("For legal, psychology, social work and coordination."),
    )


class StaffCreateForm(StaffForm):
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Hand it over in person; she will change it when she signs in."),
    )
    field_order = ["full_name", "email", "role", "area", "password"]

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            # Checked against the account being created, so her e-mail or name is refused as her password.
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class StaffEditForm(StaffForm):
    is_active = forms.BooleanField(label=_("Active account"), required=False)
    is_on_duty = forms.BooleanField(label=_("On duty (receives urgent alerts)"), required=False)


class GrantDecisionForm(BootstrapFormMixin, forms.Form):
    """The director's decision on a role request: two buttons (approve, refuse) and a comment."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to refuse. Do not write personal data here."),
    )
