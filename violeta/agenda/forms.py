from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.agenda.models import AppointmentModality, CallAction, PhoneLine
from violeta.cases.forms import StaffChoiceField
from violeta.core.forms import BootstrapFormMixin, DateInput, DateTimeInput

DURATIONS = [(30, "30 min"), (45, "45 min"), (60, "1 h"), (90, "1 h 30 min"), (120, "2 h")]


class AppointmentForm(BootstrapFormMixin, forms.Form):
    """Book an appointment. ``staff_queryset`` is who the user may book with (selectors.bookable_staff)."""

    staff = StaffChoiceField(label=_("With"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration = forms.TypedChoiceField(label=_("Duration"), choices=DURATIONS, coerce=int, initial=60)
    modality = forms.ChoiceField(label=_("Modality"), choices=AppointmentModality.choices)
    video_link = forms.URLField(
        assume_scheme="https",
        label=_("Video call link"),
        required=False,
        max_length=500,
        help_text=_("Any video call service: paste the meeting link."),
    )
    folio = forms.CharField(
        label=_("Case file folio"),
        required=False,
        max_length=20,
        help_text=_("If she already has a case file."),
    )
    contact_name = forms.CharField(
        label=_("First name she gave"),
        required=False,
        max_length=60,
        help_text=_("Only if she has no case file yet. Her first name, nothing else."),
    )
    notes = forms.CharField(
        label=_("Notes for the staff"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
    )

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("duration"):
            data["ends_at"] = data["starts_at"] + timedelta(minutes=data["duration"])
        return data


class RescheduleForm(BootstrapFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("New date and time"), widget=DateTimeInput())
    duration = forms.TypedChoiceField(label=_("Duration"), choices=DURATIONS, coerce=int, initial=60)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("duration"):
            data["ends_at"] = data["starts_at"] + timedelta(minutes=data["duration"])
        return data


class AgendaFilterForm(forms.Form):
    day = forms.DateField(required=False, widget=DateInput())
    staff = forms.CharField(required=False, max_length=12)
    area = forms.CharField(required=False, max_length=30)


class PhoneCallForm(BootstrapFormMixin, forms.Form):
    """The front desk's quick form: a few seconds while the next call rings."""

    line = forms.ModelChoiceField(
        label=_("Line"), queryset=PhoneLine.objects.filter(is_active=True), empty_label=None
    )
    at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    caller_name = forms.CharField(
        label=_("Her first name"),
        required=False,
        max_length=60,
        help_text=_("Only her first name, or leave it empty if she did not give it (anónima)."),
    )
    reason = forms.CharField(
        label=_("Reason for the call"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    violence = forms.BooleanField(label=_("She mentions violence"), required=False)
    action = forms.ChoiceField(label=_("What was done"), choices=CallAction.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].widget.attrs["class"] = "form-check-input"
        if not self.is_bound:
            self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))


def next_slot(now: datetime | None = None) -> datetime:
    """The next round hour, as the form's suggestion."""
    now = timezone.localtime(now)
    return (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
