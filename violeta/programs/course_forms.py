"""Forms of *Superación en acción*: they parse; the services (``programs.courses``) decide."""

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Role, User
from violeta.core.forms import BootstrapFormMixin, DateInput, DateTimeInput, PhoneField
from violeta.core.validators import validate_birth_date
from violeta.programs.forms import TrainerChoiceField
from violeta.programs.models import ExternalLinkKind, Outcome


def coordinators():
    return User.objects.filter(is_active=True, role__in=(Role.COORDINATOR, Role.DIRECTOR)).order_by(
        "full_name"
    )


class CourseForm(BootstrapFormMixin, forms.Form):
    trade = forms.CharField(label=_("Trade"), max_length=120, help_text=_("Baking, sewing, hairdressing…"))
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    instructor = forms.CharField(label=_("Instructor"), max_length=150, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=20)


class CohortForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Group"), max_length=80, help_text=_("For example: January 2026, mornings.")
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Leave empty to use the course's places."),
    )
    min_attendance_percent = forms.IntegerField(
        label=_("Attendance needed to complete it (%)"), min_value=1, max_value=100, initial=80
    )
    coordinator = TrainerChoiceField(
        label=_("Coordinator"),
        queryset=coordinators(),
        help_text=_("Receives the follow-up reminders of its participants."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinators()
        if user is not None and not self.is_bound and user.role in (Role.COORDINATOR, Role.DIRECTOR):
            self.initial.setdefault("coordinator", user.pk)


class CohortSessionForm(BootstrapFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the course's place."),
    )


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(course)s · %(group)s (%(seated)s of %(seats)s places taken)") % {
            "course": obj.course.trade,
            "group": obj.name,
            "seated": obj.seated,
            "seats": obj.seats,
        }


class EnrollForm(BootstrapFormMixin, forms.Form):
    cohort = CohortChoiceField(
        label=_("Group"), queryset=None, help_text=_("A full group puts her on its waiting list.")
    )
    consent = forms.BooleanField(
        label=_("She agrees to take part in the course and that its staff know her name and her attendance."),
        required=False,
        help_text=_("Ask her before enrolling her: without her consent she is not enrolled."),
    )

    def __init__(self, *args, cohorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class OutcomeForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BLANK_CHOICE_DASH + Outcome.choices)
    note = forms.CharField(label=_("About the outcome"), max_length=300, required=False)
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        widget=DateInput(),
        required=False,
        help_text=_("The group's coordinator will be reminded that day."),
    )


class ExternalLinkForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK_CHOICE_DASH + ExternalLinkKind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=150, help_text=_("The employer, the credit program, the school.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class NewParticipantForm(BootstrapFormMixin, forms.Form):
    """A woman who comes to the course without a case file: only what tells her apart, and her consent."""

    given_names = forms.CharField(label=_("Given name(s)"), max_length=100)
    first_surname = forms.CharField(label=_("First surname"), max_length=80)
    second_surname = forms.CharField(label=_("Second surname"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(), validators=[validate_birth_date]
    )
    phone = PhoneField(label=_("Phone"), required=False, help_text=_("For example 614 490 0789."))
    consent = forms.BooleanField(
        label=_("She agrees to take part in the course and that its staff know her name and her attendance."),
        required=False,
        help_text=_("Ask her before enrolling her: without her consent she is not enrolled."),
    )
    existing_person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def person_data(self) -> dict:
        return {
            k: self.cleaned_data.get(k)
            for k in ("given_names", "first_surname", "second_surname", "birth_date", "phone")
        }
