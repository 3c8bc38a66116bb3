from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Role, User
from violeta.cases.forms import StaffChoiceField
from violeta.core.forms import BootstrapFormMixin, DateTimeInput
from violeta.legal.models import (
    DEFAULT_HEARING_MINUTES,
    LEGAL_AREA_CODE,
    MAX_HEARING_MINUTES,
    HearingKind,
    MatterKind,
    MatterStage,
)


def legal_staff():
    return User.objects.filter(
        is_active=True, role__in=(Role.LEGAL, Role.COORDINATOR), area__code=LEGAL_AREA_CODE
    ).select_related("area")


class MatterForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of matter"), choices=MatterKind.choices)
    responsible = StaffChoiceField(label=_("Responsible lawyer"), queryset=legal_staff())
    authority = forms.CharField(
        label=_("Court or authority"),
        required=False,
        max_length=150,
        help_text=_("For example: Juzgado Segundo de lo Familiar, Registro Civil, Fiscalía."),
    )
    court_file_number = forms.CharField(label=_("Court file number"), required=False, max_length=60)
    counterpart = forms.CharField(label=_("Counterpart"), required=False, max_length=200)
    summary = forms.CharField(
        label=_("Summary of the matter"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MatterEditForm(MatterForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class StageForm(BootstrapFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=MatterStage.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


def duration_field(**extra):
    return forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=15,
        max_value=MAX_HEARING_MINUTES,
        help_text=_("How long it keeps the lawyer out of the office, travel included. Default: 120."),
        **extra,
    )


class HearingForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=HearingKind.choices)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = duration_field(initial=DEFAULT_HEARING_MINUTES, required=False)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RescheduleForm(BootstrapFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("New date and time"), widget=DateTimeInput())
    duration_minutes = duration_field(required=False)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class OutcomeForm(BootstrapFormMixin, forms.Form):
    outcome = forms.CharField(label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 3}))
