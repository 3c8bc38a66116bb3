"""The case page's "Datos adicionales": the institute's own fields of the case (``cases.intake_fields``)."""

from django import template

from violeta.cases import intake_fields, permissions

register = template.Library()


@register.simple_tag
def case_custom_values(case, user) -> dict:
    """The case's answered fields and whether ``user`` may edit them. The case page already checked (and
    audited) that ``user`` may see the case. Bounded: the values with their fields, and the team check."""
    values = intake_fields.shown_values(case)
    can_edit = permissions.can_edit_custom_values(user, case) and (
        bool(values) or intake_fields.custom_fields_exist()
    )
    return {"values": values, "can_edit": can_edit}
