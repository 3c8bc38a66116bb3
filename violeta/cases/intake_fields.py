"""The intake each institute shapes: reading its configuration and applying it to the intake's forms.

Two kinds of configuration, both data the director or the system administrator edits (``field_services``):

- the **optional fields** Violeta ships (``CONFIGURABLE``: her address, e-mail, disability, indigenous people and
  language, schooling) can be hidden, made optional or required, relabelled and reordered
  (``IntakeFieldSetting``; a field without a row is asked as shipped, so nothing changes until someone edits);
- the institute's **own fields** (``CustomField``: text, a choice from a list, yes or no, a date), asked at the
  intake and kept on the case (``CustomFieldValue``, encrypted), shown in its "Datos adicionales".

Values of the institute's fields travel as text: a text as typed, a choice as the option's text, yes/no as
``"yes"``/``"no"``, a date as ``YYYY-MM-DD``.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from violeta.cases.field_models import (
    CustomField,
    CustomFieldKind,
    CustomFieldValue,
    FieldVisibility,
    IntakeFieldSetting,
)
from violeta.core.forms import EMPTY_CHOICE, BootstrapFormMixin, DateInput
from violeta.core.memo import kept_per_process
from violeta.core.validators import MAX_AGE_YEARS, years_before

FIELDS_KEPT_SECONDS = 60
# The person form's optional fields the institute may shape, in the order Violeta ships them.
CONFIGURABLE = (
    "address",
    "neighborhood",
    "postal_code",
    "email",
    "disability",
    "indigenous_people",
    "indigenous_language",
    "schooling",
)
# A date of the institute's own fields makes sense within these years around today.
DATE_YEARS_AHEAD = 20
YES, NO = "yes", "no"


@dataclass(frozen=True)
class FieldSetting:
    """How the intake asks one optional field: ``label`` is the institute's wording, or "" for Violeta's."""

    name: str
    visibility: str
    label: str
    order: int

    @property
    def hidden(self) -> bool:
        return self.visibility == FieldVisibility.HIDDEN

    @property
    def required(self) -> bool:
        return self.visibility == FieldVisibility.REQUIRED


def field_settings() -> list[FieldSetting]:
    """Every configurable field with its setting, in the intake's order (one query)."""
    rows = {row.name: row for row in IntakeFieldSetting.objects.filter(name__in=CONFIGURABLE)}
    settings = []
    for position, name in enumerate(CONFIGURABLE):
        row = rows.get(name)
        settings.append(
            FieldSetting(
                name=name,
                visibility=row.visibility if row else FieldVisibility.OPTIONAL,
                label=row.label if row else "",
                order=row.order if row else position,
            )
        )
    return sorted(settings, key=lambda s: (s.order, CONFIGURABLE.index(s.name)))


def shape_person_form(form, settings: list[FieldSetting]) -> list[str]:
    """Hide, require and relabel the person form's optional fields; return the shown ones' names in order.

    A hidden field leaves the form, so nothing posted for it is kept."""
    shown = []
    for setting in settings:
        if setting.name not in form.fields:
            continue
        if setting.hidden:
            del form.fields[setting.name]
            continue
        field = form.fields[setting.name]
        field.required = setting.required
        if setting.required:
            field.error_messages["required"] = _("The institute asks for this at the intake: fill it in.")
        if setting.label:
            field.label = setting.label
        shown.append(setting.name)
    return shown


# --- the institute's own fields --------------------------------------------------------------------------------


def custom_fields(*, at_intake: bool = False) -> list[CustomField]:
    """The active custom fields, in order; at the intake only those asked there."""
    qs = CustomField.objects.filter(active=True)
    if at_intake:
        qs = qs.filter(at_intake=True)
    return list(qs.order_by("order", "pk"))


def validate_custom_date(value: date | None) -> None:
    """A date of the institute's own fields: a real date, not absurdly far in the past or the future."""
    if value is None:
        return
    today = timezone.localdate()
    if value < years_before(today, MAX_AGE_YEARS):
        raise ValidationError(
            _("The date cannot be more than %(years)d years ago.") % {"years": MAX_AGE_YEARS},
            code="date_too_old",
        )
    if value > years_before(today, -DATE_YEARS_AHEAD):
        raise ValidationError(
            _("The date cannot be more than %(years)d years from now.") % {"years": DATE_YEARS_AHEAD},
            code="date_too_far",
        )


def form_field(definition: CustomField, current: str = "") -> forms.Field:
    """The form field that asks ``definition``; ``current`` is the value on file (kept as a choice even when
    the option was later removed from the list)."""
    common = {
        "label": definition.label,
        "help_text": definition.help_text,
        "required": definition.required,
    }
    if definition.kind == CustomFieldKind.CHOICE:
        options = definition.option_list
        if current and current not in options:
            options = [*options, current]
        return forms.ChoiceField(choices=[("", EMPTY_CHOICE), *[(o, o) for o in options]], **common)
    if definition.kind == CustomFieldKind.YES_NO:
        return forms.ChoiceField(
            choices=[(YES, gettext_lazy("Yes")), (NO, gettext_lazy("No"))],
            widget=forms.RadioSelect,
            **common,
        )
    if definition.kind == CustomFieldKind.DATE:
        return forms.DateField(widget=DateInput(), validators=[validate_custom_date], **common)
    return forms.CharField(max_length=500, **common)


def key(definition: CustomField) -> str:
    return f"f{definition.pk}"


class CustomValuesForm(BootstrapFormMixin, forms.Form):
    """The institute's own fields of a case (at the intake, or its "Datos adicionales")."""

    def __init__(
        self, *args, definitions: list[CustomField], current: dict[int, str] | None = None, **kwargs
    ):
        current = current or {}
        self.definitions = definitions
        # Built before the form is, so that the mixin styles them like any declared field.
        self.base_fields = {key(d): form_field(d, current.get(d.pk, "")) for d in definitions}
        initial = dict(kwargs.pop("initial", None) or {})
        for definition in definitions:
            if definition.pk in current:
                initial.setdefault(key(definition), current[definition.pk])
        super().__init__(*args, initial=initial, **kwargs)

    def values(self) -> dict[int, str]:
        """Field id → the value as text ("" when not answered)."""
        return {d.pk: as_text(self.cleaned_data.get(key(d))) for d in self.definitions}

    def bound_fields(self):
        return [self[key(d)] for d in self.definitions]


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def check_value(definition: CustomField, value: str) -> str:
    """The service's own check of one value (the form checked it already): returns it cleaned."""
    field = form_field(definition, "")
    field.required = definition.required
    try:
        cleaned = field.clean(value)
    except ValidationError as exc:
        raise ValidationError({key(definition): exc.error_list}) from None
    return as_text(cleaned)


@dataclass(frozen=True)
class ShownValue:
    label: str
    value: str
    retired: bool


def display(definition: CustomField, value: str) -> str:
    """A value as a person reads it: yes/no in words, a date as dd/mm/yyyy."""
    if definition.kind == CustomFieldKind.YES_NO:
        return _("Yes") if value == YES else _("No") if value == NO else value
    if definition.kind == CustomFieldKind.DATE:
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


def case_values(case) -> dict[int, str]:
    """The case's values by field id (one query; the caller already checked the user may see the case)."""
    return dict(CustomFieldValue.objects.filter(case=case).values_list("field_id", "value"))


def shown_values(case) -> list[ShownValue]:
    """What the case page shows in "Datos adicionales": every answered field, retired ones too (two queries)."""
    rows = CustomFieldValue.objects.filter(case=case).select_related("field")
    rows = sorted(rows, key=lambda v: (v.field.order, v.field.pk))
    return [
        ShownValue(label=v.field.label, value=display(v.field, v.value), retired=not v.field.active)
        for v in rows
        if v.value
    ]


@kept_per_process(ttl=FIELDS_KEPT_SECONDS)
def custom_fields_exist() -> bool:
    """Whether the institute has any active custom field (the case page asks to show "Datos adicionales"): read
    at most once a minute per process; a field added here is seen at once (``cases.apps`` connects
    ``forget``), one added in another process within FIELDS_KEPT_SECONDS."""
    return CustomField.objects.filter(active=True).exists()
