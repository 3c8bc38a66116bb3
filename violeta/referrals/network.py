"""Writes of the partner network: its institutions, and the liaison accounts linked to them. Keyword-only, one
transaction each, audited. Only the director's office and the system administration keep the network."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.referrals.models import Institution, Liaison

# Who keeps the network's data and links partner accounts to their institution.
INSTITUTION_ADMINS = frozenset({Role.DIRECTOR, Role.SYSADMIN})


@transaction.atomic
def institution_create(*, by, code: str, name: str, short_name: str, kind: str, **fields) -> Institution:
    """A partner institution of the network (the director's office or the system administration)."""
    if by.role not in INSTITUTION_ADMINS:
        raise PermissionDenied
    institution = Institution(code=code, name=name, short_name=short_name, kind=kind, **fields)
    institution.full_clean()
    institution.save()
    audit_record(actor=by, action=Action.CREATE, obj=institution)
    return institution


INSTITUTION_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "services",
    "address",
    "hours",
    "phone",
    "email",
    "contact_name",
    "response_days",
    "is_active",
)


@transaction.atomic
def institution_update(*, institution: Institution, by, **fields) -> Institution:
    """Change an institution's data (the director's office or the system administration)."""
    if by.role not in INSTITUTION_ADMINS:
        raise PermissionDenied
    for name, value in fields.items():
        if name not in INSTITUTION_FIELDS:
            raise TypeError(name)
        setattr(institution, name, value)
    institution.full_clean()
    institution.save()
    audit_record(actor=by, action=Action.UPDATE, obj=institution)
    return institution


@transaction.atomic
def liaison_unlink(*, user, by) -> None:
    if by.role not in INSTITUTION_ADMINS:
        raise PermissionDenied
    link = Liaison.objects.filter(user=user).first()
    if link is not None:
        audit_record(actor=by, action=Action.UPDATE, obj=link, detail="enlace retirado")
        link.delete()


@transaction.atomic
def liaison_link(*, user, institution: Institution, by) -> Liaison:
    """Attach a partner-agency liaison account to her institution (one institution per account)."""
    if user.role != Role.LIAISON:
        raise ValidationError(_("Only partner institution liaison accounts can be linked to an institution."))
    liaison, _created = Liaison.objects.update_or_create(user=user, defaults={"institution": institution})
    if not institution.has_accounts:
        institution.has_accounts = True
        institution.save(update_fields=["has_accounts"])
    audit_record(actor=by, action=Action.UPDATE, obj=liaison, detail=f"enlace de {institution.code}")
    return liaison
