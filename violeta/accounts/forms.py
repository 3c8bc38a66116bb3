from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area, Role
from violeta.core.forms import BootstrapFormMixin


class StaffForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Nombre completo"), max_length=150)
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    area = forms.ModelChoiceField(
        label=_("Área"),
        queryset=Area.objects.filter(is_active=True),
        required=False,
        help_text=_("Para jurídico, psicología, trabajo social y coordinación."),
    )


class StaffCreateForm(StaffForm):
    email = forms.EmailField(label=_("Correo electrónico"))
    password = forms.CharField(
        label=_("Contraseña inicial"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Entréguela en persona; ella la cambiará al entrar."),
    )
    field_order = ["full_name", "email", "role", "area", "password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class StaffEditForm(StaffForm):
    is_active = forms.BooleanField(label=_("Cuenta activa"), required=False)
    is_on_duty = forms.BooleanField(label=_("De guardia (recibe avisos urgentes)"), required=False)
