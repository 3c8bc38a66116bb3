"""Staff forms for the office hours, holidays and phone lines (staff voice: *usted*)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.agenda.models import Weekday
from violeta.core.forms import BootstrapFormMixin, DateInput, PhoneField


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class WeekdayHoursForm(BootstrapFormMixin, forms.Form):
    """One weekday: open or closed, and from when to when. Prefixed by the weekday's number."""

    is_open = forms.BooleanField(label=pgettext_lazy("a weekday of the office hours", "Open"), required=False)
    opens = forms.TimeField(label=_("Opens"), required=False, widget=TimeInput())
    closes = forms.TimeField(label=_("Closes"), required=False, widget=TimeInput())

    def __init__(self, *args, weekday: int, **kwargs):
        super().__init__(*args, prefix=f"d{weekday}", **kwargs)
        self.weekday = weekday
        self.weekday_name = Weekday(weekday).label

    def clean(self):
        data = super().clean()
        if data.get("is_open"):
            if not data.get("opens"):
                self.add_error("opens", _("Give the opening time."))
            if not data.get("closes"):
                self.add_error("closes", _("Give the closing time."))
            if data.get("opens") and data.get("closes") and data["closes"] <= data["opens"]:
                self.add_error("closes", _("The closing time must be after the opening time."))
        return data


class HolidayForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    name = forms.CharField(label=_("Name"), max_length=120)


class PhoneLineForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the line"), max_length=120)
    number = PhoneField(label=_("Number"))
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive line is not shown on the public site nor offered when logging a call."),
    )
