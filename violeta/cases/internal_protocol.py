"""The municipality's internal gender-violence protocol: writes (one transaction each, audited).

She is a public servant of the municipality. Designated staff attend her case under the protocol; from then on
only they and the director see it (``selectors.visible_cases``), emergency access does not open it
(``permissions.may_break_glass``), and the referral for sanction goes to the internal control body as an
ordinary referral (the referrals app). Who is protocol staff: ``permissions.is_protocol_staff``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, EventKind, InternalProtocolDesignation
from violeta.cases.permissions import is_case_staff, is_protocol_staff
from violeta.cases.services import case_event_record


@transaction.atomic
def internal_protocol_designate(*, user, by) -> InternalProtocolDesignation:
    """The director designates a staff member to attend internal-protocol cases."""
    if by.role != Role.DIRECTOR:
        raise PermissionDenied
    if not is_case_staff(user) or user.role == Role.DIRECTOR:
        raise ValidationError({"user": _("Only active staff who attend case files can be designated.")})
    designation, created = InternalProtocolDesignation.objects.get_or_create(
        user=user, defaults={"designated_by": by}
    )
    if created:
        audit_record(actor=by, action=Action.CREATE, obj=designation, detail="designación protocolo interno")
    return designation


@transaction.atomic
def internal_protocol_revoke(*, user, by) -> None:
    if by.role != Role.DIRECTOR:
        raise PermissionDenied
    designation = InternalProtocolDesignation.objects.filter(user=user).first()
    if designation is not None:
        audit_record(actor=by, action=Action.UPDATE, obj=designation, detail="designación retirada")
        designation.delete()


@transaction.atomic
def internal_protocol_open(*, case: Case, by, dependency: str, conduct: str) -> Case:
    """Attend the case under the internal protocol: she is a municipal public servant. From then on only the
    designated staff and the director see the case; the referral for sanction goes to the internal control
    body as an ordinary referral."""
    if not is_protocol_staff(by):
        raise PermissionDenied
    if not case.is_active:
        raise ValidationError(_("The case file is closed."), code="closed")
    errors = {}
    if not dependency.strip():
        errors["dependency"] = _("Write the municipal dependency where she works.")
    if len(conduct.strip()) < 10:
        errors["conduct"] = _("Describe the reported conduct.")
    if errors:
        raise ValidationError(errors)
    first_time = not case.is_internal_protocol
    case.is_internal_protocol = True
    case.internal_protocol_dependency = dependency.strip()[:150]
    case.internal_protocol_conduct = conduct.strip()
    case.save(
        update_fields=[
            "is_internal_protocol",
            "internal_protocol_dependency",
            "internal_protocol_conduct",
            "updated_at",
        ]
    )
    audit_record(actor=by, action=Action.UPDATE, obj=case, case_id=case.pk, detail="protocolo interno")
    if first_time:
        case_event_record(
            case=case, by=by, kind=EventKind.STATUS, description=_("Attended under the internal protocol")
        )
    return case
