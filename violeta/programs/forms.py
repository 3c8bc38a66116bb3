"""Forms of the programs app: they parse; the services decide."""

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.accounts.models import User
from violeta.core.forms import BootstrapFormMixin, DateInput, DateTimeInput, PhoneField
from violeta.programs.models import (
    AgeGroup,
    Modality,
    Organization,
    OrganizationKind,
    Program,
    Sex,
    Topic,
)
from violeta.programs.permissions import PROGRAM_ROLES


class TrainerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


def program_staff():
    return User.objects.filter(is_active=True, role__in=PROGRAM_ROLES).order_by("full_name")


class OrganizationForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK_CHOICE_DASH + OrganizationKind.choices)
    sector = forms.CharField(label=_("Sector"), max_length=80, required=False)
    grupo_index = forms.BooleanField(label=_("Affiliated with Grupo INDEX"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ContactForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class AgreementForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TrainingForm(BootstrapFormMixin, forms.Form):
    program = forms.ChoiceField(label=_("Program"), choices=BLANK_CHOICE_DASH + Program.choices)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.filter(is_active=True))
    title = forms.CharField(label=_("Title"), max_length=150)
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_("Leave empty for a training open to anyone."),
    )
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    hours = forms.DecimalField(label=_("Hours in all"), min_value=0.5, max_value=500, decimal_places=1)
    min_attendance_percent = forms.IntegerField(
        label=_("Attendance needed for the certificate (%)"), min_value=1, max_value=100, initial=80
    )
    certificate_valid_months = forms.IntegerField(
        label=_("Certificate valid for (months)"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Leave empty if the certificate does not expire."),
    )
    trainer = TrainerChoiceField(label=_("Trainer in charge"), queryset=program_staff())
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = program_staff()
        if user is not None and not self.is_bound:
            self.initial.setdefault("trainer", user.pk)


class SessionForm(BootstrapFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    link = forms.URLField(
        label=_("Meeting link"),
        required=False,
        assume_scheme="https",
        help_text=_("For an online session, any platform."),
    )
    trainer = TrainerChoiceField(label=_("Trainer"), queryset=program_staff(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = program_staff()


class AttendeeForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK_CHOICE_DASH + Sex.choices)
    age_group = forms.ChoiceField(label=_("Age group"), choices=BLANK_CHOICE_DASH + AgeGroup.choices)
    role = forms.CharField(label=_("Position or role"), max_length=100, required=False)
    organization_name = forms.CharField(label=_("Organisation"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False, help_text=_("Only to send the certificate."))


class SignupOpenForm(BootstrapFormMixin, forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Sign-up closes at"), widget=DateTimeInput(), help_text=_("The link stops working then.")
    )


class RevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why is it revoked?"), max_length=300)


class PublicSignupForm(BootstrapFormMixin, forms.Form):
    """Her (or his) own sign-up through the public link, on a phone: only what the training needs, in *tú*."""

    empty_choice_label = pgettext_lazy("empty choice of a select, to her", "Choose…")

    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        help_text=_("As it should appear on your certificate."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK_CHOICE_DASH + Sex.choices)
    age_group = forms.ChoiceField(label=_("Your age"), choices=BLANK_CHOICE_DASH + AgeGroup.choices)
    role = forms.CharField(label=_("Your position or role (optional)"), max_length=100, required=False)
    organization_name = forms.CharField(
        label=_("Where you work or study (optional)"), max_length=150, required=False
    )
    email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        help_text=_("Only to send you your certificate."),
        error_messages={"invalid": pgettext_lazy("to her", "Write a valid e-mail address.")},
    )


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "Excel (.xlsx) or CSV. First row: Nombre, Sexo, Edad, and if you have them Cargo, Organización, Correo."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class QuestionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    option_1 = forms.CharField(label=_("Option 1"), max_length=200)
    option_2 = forms.CharField(label=_("Option 2"), max_length=200)
    option_3 = forms.CharField(label=_("Option 3"), max_length=200, required=False)
    option_4 = forms.CharField(label=_("Option 4"), max_length=200, required=False)
    correct = forms.TypedChoiceField(
        label=_("The right option"),
        coerce=int,
        choices=[(i, _("Option %(n)s") % {"n": i + 1}) for i in range(4)],
        widget=forms.RadioSelect,
    )

    def options(self) -> list[str]:
        return [self.cleaned_data.get(f"option_{n}", "") for n in range(1, 5)]


class AnswersForm(BootstrapFormMixin, forms.Form):
    """One attendee's answers on paper, typed in: one choice per question of the topic."""

    def __init__(self, *args, questions=(), initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_answers = initial_answers or {}
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=question.text,
                choices=[(str(o.pk), o.text) for o in question.options.all()],
                widget=forms.RadioSelect,
                initial=str(initial_answers.get(str(question.pk), "")),
            )
        for field in self.fields.values():  # added after the mixin styled the form: drawn as checks too
            field.widget.attrs["class"] = "form-check-input"
            field.widget.template_name = "core/widgets/choices.html"
            field.is_choice_list = True

    def answers(self) -> dict:
        return {int(name[1:]): int(value) for name, value in self.cleaned_data.items()}


class StaffTrainingForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Module or course"), max_length=200)
    provider = forms.CharField(label=_("Given by"), max_length=150, required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.filter(is_active=True), required=False
    )
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    finished_on = forms.DateField(label=_("Finished on"), widget=DateInput(), required=False)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=1000, decimal_places=1)
    certificate_received = forms.BooleanField(label=_("Certificate received"), required=False)
