"""Writes of the intake each institute shapes: its configuration (the director's office or the system
administration) and the values of its own fields on a case (the case's team). Audited, one transaction each."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases import intake_fields, permissions
from violeta.cases.field_models import (
    CustomField,
    CustomFieldKind,
    CustomFieldValue,
    FieldVisibility,
    IntakeFieldSetting,
)
from violeta.cases.models import Case

# Who shapes the intake: data, never code.
CONFIG_ROLES = frozenset({Role.DIRECTOR, Role.SYSADMIN})
CUSTOM_FIELD_FIELDS = ("label", "help_text", "kind", "options", "required", "at_intake", "order", "active")
DETAIL = "configuración de la entrevista inicial"


def _require_config_role(by) -> None:
    if not (by.is_active and by.role in CONFIG_ROLES):
        raise PermissionDenied


@transaction.atomic
def intake_field_set(*, by, name: str, visibility: str, label: str = "", order: int | None = None):
    """Hide, make optional or required, relabel or place one of the intake's optional fields."""
    _require_config_role(by)
    if name not in intake_fields.CONFIGURABLE:
        raise ValidationError(_("That field of the intake cannot be configured."), code="not_configurable")
    if visibility not in FieldVisibility.values:
        raise ValidationError({"visibility": _("Choose hidden, optional or required.")})
    current = {s.name: s for s in intake_fields.field_settings()}
    row, _created = IntakeFieldSetting.objects.select_for_update().get_or_create(
        name=name, defaults={"order": current[name].order}
    )
    row.visibility = visibility
    row.label = label.strip()
    if order is not None:
        row.order = order
    row.updated_by, row.updated_at = by, timezone.now()
    row.full_clean()
    row.save()
    audit_record(actor=by, action=Action.UPDATE, obj=row, detail=DETAIL)
    return row


@transaction.atomic
def intake_field_move(*, by, name: str, step: int) -> None:
    """Move one optional field up (``step=-1``) or down (``+1``) in the intake; the others keep their order."""
    _require_config_role(by)
    names = [s.name for s in intake_fields.field_settings()]
    if name not in names:
        raise ValidationError(_("That field of the intake cannot be configured."), code="not_configurable")
    at = names.index(name)
    to = max(0, min(len(names) - 1, at + step))
    names.insert(to, names.pop(at))
    settings = {s.name: s for s in intake_fields.field_settings()}
    for position, each in enumerate(names):
        IntakeFieldSetting.objects.update_or_create(
            name=each,
            defaults={
                "order": position,
                "visibility": settings[each].visibility,
                "label": settings[each].label,
                "updated_by": by,
                "updated_at": timezone.now(),
            },
        )
    audit_record(
        actor=by,
        action=Action.UPDATE,
        object_type="cases.intakefieldsetting",
        object_id=name,
        detail=f"{DETAIL}: orden",
    )


def _check_custom_field(field: CustomField) -> None:
    if field.kind == CustomFieldKind.CHOICE and len(field.option_list) < 2:
        raise ValidationError({"options": _("Write at least two options, one per line.")})
    if field.kind != CustomFieldKind.CHOICE:
        field.options = ""
    field.full_clean()


@transaction.atomic
def custom_field_create(*, by, label: str, kind: str, **fields) -> CustomField:
    """Add one of the institute's own fields to its intake and case files."""
    _require_config_role(by)
    unknown = set(fields) - set(CUSTOM_FIELD_FIELDS)
    if unknown:
        raise TypeError(f"unknown custom field attributes: {sorted(unknown)}")
    field = CustomField(label=label.strip(), kind=kind, created_by=by, **fields)
    _check_custom_field(field)
    field.save()
    audit_record(actor=by, action=Action.CREATE, obj=field, detail=DETAIL)
    return field


@transaction.atomic
def custom_field_update(*, by, field: CustomField, **changes) -> CustomField:
    """Change one of the institute's own fields. Its type cannot change once a case has a value for it (the
    values would stop making sense); retiring it (``active=False``) keeps the values."""
    _require_config_role(by)
    unknown = set(changes) - set(CUSTOM_FIELD_FIELDS)
    if unknown:
        raise TypeError(f"unknown custom field attributes: {sorted(unknown)}")
    field = CustomField.objects.select_for_update().get(pk=field.pk)
    if "kind" in changes and changes["kind"] != field.kind and field.values.exists():
        raise ValidationError(
            {"kind": _("Case files already have values for this field: its type cannot change.")}
        )
    for name, value in changes.items():
        setattr(field, name, value.strip() if isinstance(value, str) else value)
    _check_custom_field(field)
    field.save()
    audit_record(actor=by, action=Action.UPDATE, obj=field, detail=DETAIL)
    return field


def _values_save(*, case: Case, by, definitions: list[CustomField], values: dict[int, str]) -> int:
    """Check and store the values of ``definitions`` (an empty value removes the answer). Returns how many
    changed. Each change is audited with the case; the values themselves never go to the log."""
    errors, cleaned = {}, {}
    for definition in definitions:
        try:
            cleaned[definition.pk] = intake_fields.check_value(definition, values.get(definition.pk, ""))
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    stored = {v.field_id: v for v in CustomFieldValue.objects.filter(case=case, field__in=definitions)}
    changed = 0
    for definition in definitions:
        value, row = cleaned[definition.pk], stored.get(definition.pk)
        if row is not None and not value:
            audit_record(actor=by, action=Action.DELETE, obj=row, case_id=case.pk, detail="dato adicional")
            row.delete()
        elif row is None and value:
            row = CustomFieldValue.objects.create(case=case, field=definition, value=value, updated_by=by)
            audit_record(actor=by, action=Action.CREATE, obj=row, case_id=case.pk, detail="dato adicional")
        elif row is not None and row.value != value:
            row.value, row.updated_by, row.updated_at = value, by, timezone.now()
            row.save(update_fields=["value", "updated_by", "updated_at"])
            audit_record(actor=by, action=Action.UPDATE, obj=row, case_id=case.pk, detail="dato adicional")
        else:
            continue
        changed += 1
    return changed


def intake_values_record(*, case: Case, by, values: dict[int, str]) -> int:
    """The institute's own fields answered at the intake (run inside ``intake_register``'s transaction)."""
    return _values_save(
        case=case, by=by, definitions=intake_fields.custom_fields(at_intake=True), values=values
    )


@transaction.atomic
def custom_values_set(*, case: Case, by, values: dict[int, str]) -> int:
    """The case's "Datos adicionales", edited by its team (``permissions.can_edit_custom_values``)."""
    if not permissions.can_edit_custom_values(by, case):
        raise PermissionDenied
    return _values_save(case=case, by=by, definitions=intake_fields.custom_fields(), values=values)
