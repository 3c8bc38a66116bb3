from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import CASE_ROLES, User
from violeta.cases.models import ArrivalChannel, CloseReason, Modality, Relation
from violeta.core.forms import BootstrapFormMixin, DateInput, DateTimeInput
from violeta.people.models import Gender


class StaffLabelMixin:
    def label_from_instance(self, obj):
        return f"{obj.full_name} · {obj.area or obj.get_role_display()}"


class StaffMultipleChoiceField(StaffLabelMixin, forms.ModelMultipleChoiceField):
    pass


class StaffChoiceField(StaffLabelMixin, forms.ModelChoiceField):
    pass


def case_staff():
    return (
        User.objects.filter(is_active=True, role__in=CASE_ROLES)
        .exclude(role="director")
        .select_related("area")
    )


class IntakeCaseForm(BootstrapFormMixin, forms.Form):
    """The case part of the first interview; the person part is a PersonForm and a SafeContactForm."""

    arrival_channel = forms.ChoiceField(label=_("¿Cómo llegó?"), choices=ArrivalChannel.choices)
    arrival_detail = forms.CharField(
        label=_("Institución o empresa que la canalizó"), required=False, max_length=150
    )
    reason = forms.CharField(
        label=_("Motivo de la consulta"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("En sus palabras. No hace falta repetir aquí lo que otra área ya registró."),
    )
    team = StaffMultipleChoiceField(
        label=_("Equipo que la atenderá"),
        required=False,
        queryset=case_staff(),
        help_text=_("Usted queda en el equipo. Agregue a quien la atenderá de cada área."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    privacy_notice_accepted = forms.BooleanField(
        label=_("Ella conoce y acepta el aviso de privacidad"),
        required=True,
        error_messages={"required": _("Sin aceptar el aviso de privacidad no se puede abrir el expediente.")},
    )
    existing_person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("arrival_channel") == ArrivalChannel.REFERRED and not data.get("arrival_detail"):
            self.add_error("arrival_detail", _("Indique qué institución la canalizó."))
        return data


class ConsultationForm(BootstrapFormMixin, forms.Form):
    modality = forms.ChoiceField(label=_("Modalidad"), choices=Modality.choices)
    started_at = forms.DateTimeField(label=_("Fecha y hora"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duración (minutos)"), min_value=5, max_value=480, initial=50
    )
    summary = forms.CharField(
        label=_("Resumen para el equipo"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lo que el resto del equipo necesita saber. Sin detalles clínicos."),
    )
    next_steps = forms.CharField(
        label=_("Acuerdos y siguientes pasos"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area_note = forms.CharField(
        label=_("Nota solo para mi área"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Solo el personal de su área podrá leerla."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localtime().replace(second=0, microsecond=0))


class CloseForm(BootstrapFormMixin, forms.Form):
    close_reason = forms.ChoiceField(label=_("Motivo de cierre"), choices=CloseReason.choices)


class ReopenForm(BootstrapFormMixin, forms.Form):
    why = forms.CharField(
        label=_("¿Por qué se reabre?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class TeamAddForm(BootstrapFormMixin, forms.Form):
    user = StaffChoiceField(label=_("Integrante"), queryset=case_staff())


class PartyAddForm(BootstrapFormMixin, forms.Form):
    relation = forms.ChoiceField(
        label=_("Relación con ella"), choices=[c for c in Relation.choices if c[0] != Relation.HOLDER]
    )
    given_names = forms.CharField(label=_("Nombre(s)"), max_length=100)
    first_surname = forms.CharField(label=_("Primer apellido"), max_length=80)
    second_surname = forms.CharField(label=_("Segundo apellido"), max_length=80, required=False)
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), required=False, widget=DateInput())
    approximate_age = forms.IntegerField(
        label=_("Edad aproximada"), required=False, min_value=0, max_value=120
    )
    gender = forms.ChoiceField(label=_("Identidad de género"), choices=Gender.choices, initial=Gender.WOMAN)


class BreakGlassForm(BootstrapFormMixin, forms.Form):
    folio = forms.CharField(label=_("Folio"), max_length=20)
    reason = forms.CharField(
        label=_("¿Por qué necesita entrar a este expediente?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=15,
        max_length=1000,
        help_text=_("Quedará registrado y la dirección lo revisará."),
    )


class CaseFilterForm(forms.Form):
    scope = forms.ChoiceField(
        choices=[("mine", _("Míos")), ("all", _("Todos los que puedo ver"))], required=False
    )
    status = forms.ChoiceField(
        choices=[("active", _("Activos")), ("", _("Todos")), ("closed", _("Cerrados"))], required=False
    )
    q = forms.CharField(required=False, max_length=30)
