from allauth.account.forms import ResetPasswordForm, default_token_generator
from allauth.account.internal.flows import password_reset
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area, Role, User
from violeta.audit.models import Action, AuditEvent
from violeta.audit.services import audit_record
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
    email = forms.EmailField(
        label=_("New email"),
        required=False,
        help_text=_(
            "Only to change her address; leave it empty to keep the current one. She signs in with it."
        ),
    )
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


RESET_SENT = "correo de restablecimiento de contraseña enviado"


class VerifiedPrimaryResetPasswordForm(ResetPasswordForm):
    """A reset goes only to an account's verified primary address, a few times per account in a window.

    The page answers the same whether or not an account has the address, and whether or not the limit was
    reached (no enumeration); each e-mail sent is in the audit log, which is also the per-account counter.
    """

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        primary = EmailAddress.objects.filter(email__iexact=email, verified=True, primary=True)
        self.users = list(
            User.objects.filter(is_active=True)
            .filter(Q(pk__in=primary.values("user_id")) | Q(email__iexact=email, emailaddress__isnull=True))
            .distinct()
        )
        return self.cleaned_data["email"]

    def save(self, request, **kwargs):
        token_generator = kwargs.get("token_generator", default_token_generator)
        limit, window = settings.PASSWORD_RESET_LIMIT
        since = timezone.now() - window
        for user in self.users:
            sent = AuditEvent.objects.filter(
                action=Action.PASSWORD_RESET,
                object_type=user._meta.label_lower,
                object_id=str(user.pk),
                detail=RESET_SENT,
                at__gte=since,
            ).count()
            if sent >= limit:
                continue
            with transaction.atomic():
                audit_record(actor=None, action=Action.PASSWORD_RESET, obj=user, detail=RESET_SENT)
            password_reset.request_password_reset(request, user.email, [user], token_generator)
        return self.cleaned_data["email"]
