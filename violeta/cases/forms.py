from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import CASE_ROLES, Role, User
from violeta.cases.models import ArrivalChannel, CloseReason, Modality, Relation
from violeta.core.forms import BootstrapFormMixin, CheckboxPicker, DateInput, DateTimeInput, PlainSelect
from violeta.core.validators import validate_birth_date
from violeta.people.models import Gender
from violeta.people.privacy_notice import current_notice


def staff_label(full_name: str, area_name: str | None, role: str) -> str:
    """How a member of staff is named in a select: her name, and her area (or her role, without one)."""
    return f"{full_name} · {area_name or Role(role).label}"


class StaffChoiceIterator(ModelChoiceIterator):
    """The options as ``(pk, label)`` from one plain query: no user (and area) object per member of staff, no
    server-side cursor. A state's staff is hundreds of people, and the case page offers them all to its team."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, full_name, area_name, role in self.queryset.values_list(
            "pk", "full_name", "area__name", "role"
        ):
            yield (pk, staff_label(full_name, area_name, role))


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = StaffChoiceIterator


class StaffChoiceField(forms.ModelChoiceField):
    iterator = StaffChoiceIterator
    widget = PlainSelect


def case_staff():
    return (
        User.objects.filter(is_active=True, role__in=CASE_ROLES)
        .exclude(role="director")
        .select_related("area")
    )


class IntakeCaseForm(BootstrapFormMixin, forms.Form):
    """The case part of the first interview; the person part is a PersonForm and a SafeContactForm."""

    arrival_channel = forms.ChoiceField(label=_("How did she arrive?"), choices=ArrivalChannel.choices)
    arrival_detail = forms.CharField(
        label=_("Institution or company that referred her"), required=False, max_length=150
    )
    reason = forms.CharField(
        label=_("Reason for the visit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In her own words. There is no need to repeat here what another area already recorded."),
    )
    team = StaffMultipleChoiceField(
        label=_("Team that will attend her"),
        required=False,
        queryset=case_staff(),
        help_text=_("You stay on the team. Add whoever will attend her from each area."),
        widget=CheckboxPicker(),
    )
    privacy_notice_accepted = forms.BooleanField(
        label=_("She was given the privacy notice and accepts it"),
        required=True,
        error_messages={
            "required": _("The case file cannot be opened unless the privacy notice is accepted.")
        },
    )
    # Issue 18: figures that leave the institute count only women who agreed. Unanswered records nothing.
    statistics_consent = forms.TypedChoiceField(
        label=_("Does she agree that her data, without her name, count in the institute's statistics?"),
        choices=[("yes", _("Yes, she agrees")), ("no", _("No, she does not agree"))],
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Figures for the municipal council and the national data bank (BANAVIM) count only women who agree. "
            "She may change her mind at any time."
        ),
    )
    # The notice the form showed (its hash): the intake records that very text, and refuses a stale one.
    privacy_notice_sha256 = forms.CharField(
        required=True,
        max_length=64,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The case file cannot be opened unless the privacy notice is accepted.")
        },
    )
    existing_person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = current_notice()
        self.initial.setdefault("privacy_notice_sha256", self.notice.sha256)

    def clean(self):
        data = super().clean()
        if data.get("arrival_channel") == ArrivalChannel.REFERRED and not data.get("arrival_detail"):
            self.add_error("arrival_detail", _("Say which institution referred her."))
        return data


class ConsultationForm(BootstrapFormMixin, forms.Form):
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    started_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=480, initial=50
    )
    summary = forms.CharField(
        label=_("Summary for the team"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the rest of the team needs to know. No clinical details."),
    )
    next_steps = forms.CharField(
        label=_("Agreements and next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area_note = forms.CharField(
        label=_("Note for my area only"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the staff of your area will be able to read it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localtime().replace(second=0, microsecond=0))


class CloseForm(BootstrapFormMixin, forms.Form):
    close_reason = forms.ChoiceField(label=_("Reason for closing"), choices=CloseReason.choices)


class ReopenForm(BootstrapFormMixin, forms.Form):
    why = forms.CharField(
        label=_("Why is it being reopened?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class TeamAddForm(BootstrapFormMixin, forms.Form):
    user = StaffChoiceField(label=_("Team member"), queryset=case_staff())


class PartyAddForm(BootstrapFormMixin, forms.Form):
    relation = forms.ChoiceField(
        label=_("Relation to her"), choices=[c for c in Relation.choices if c[0] != Relation.HOLDER]
    )
    given_names = forms.CharField(label=_("Given name(s)"), max_length=100)
    first_surname = forms.CharField(label=_("First surname"), max_length=80)
    second_surname = forms.CharField(label=_("Second surname"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(), validators=[validate_birth_date]
    )
    approximate_age = forms.IntegerField(
        label=_("Approximate age"), required=False, min_value=0, max_value=120
    )
    gender = forms.ChoiceField(label=_("Gender identity"), choices=Gender.choices, initial=Gender.WOMAN)


class BreakGlassForm(BootstrapFormMixin, forms.Form):
    folio = forms.CharField(label=_("Folio"), max_length=20)
    reason = forms.CharField(
        label=_("Why do you need to enter this case file?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=15,
        max_length=1000,
        help_text=_("It will be recorded and the director's office will review it."),
    )


class CaseFilterForm(forms.Form):
    scope = forms.ChoiceField(choices=[("mine", _("Mine")), ("all", _("All I can see"))], required=False)
    status = forms.ChoiceField(
        choices=[
            ("active", _("Active cases")),
            ("priority", _("Priority cases")),
            ("", _("All cases")),
            ("closed", _("Closed cases")),
        ],
        required=False,
    )
    q = forms.CharField(required=False, max_length=30)


class InternalProtocolForm(BootstrapFormMixin, forms.Form):
    dependency = forms.CharField(label=_("Municipal dependency where she works"), max_length=150)
    conduct = forms.CharField(
        label=_("Reported conduct"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DesignationForm(BootstrapFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, role__in=CASE_ROLES)
            .exclude(role=Role.DIRECTOR)
            .exclude(internal_protocol_designation__isnull=False)
            .select_related("area")
        )
