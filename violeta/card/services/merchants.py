"""Writes of the merchants that accept the card: the business, its branches, and its till accounts.

One transaction each, with the audit record inside it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.card.models import Branch, Merchant, MerchantAccount
from violeta.card.permissions import OFFICE_ROLES, require_office


@transaction.atomic
def merchant_save(*, by, merchant: Merchant | None = None, **fields) -> Merchant:
    """Create or update an affiliated business."""
    require_office(by)
    start, end = fields.get("agreement_start"), fields.get("agreement_end")
    if start and end and end < start:
        raise ValidationError(
            {"agreement_end": _("The agreement cannot end before it starts.")}, code="dates"
        )
    created = merchant is None
    merchant = merchant or Merchant()
    for name, value in fields.items():
        setattr(merchant, name, value)
    merchant.save()
    audit_record(
        actor=by, action=Action.CREATE if created else Action.UPDATE, obj=merchant, detail="comercio afiliado"
    )
    return merchant


@transaction.atomic
def branch_add(*, by, merchant: Merchant, **fields) -> Branch:
    require_office(by)
    branch = Branch.objects.create(merchant=merchant, **fields)
    audit_record(actor=by, action=Action.CREATE, obj=branch, detail="sucursal")
    return branch


@transaction.atomic
def merchant_account_link(*, by, user, merchant: Merchant, branch: Branch | None = None) -> MerchantAccount:
    """Tie a till account (role merchant) to its business; only such accounts can validate cards."""
    if not (by.is_superuser or by.role in OFFICE_ROLES or by.role == Role.SYSADMIN):
        raise PermissionDenied
    if user.role != Role.MERCHANT:
        raise ValidationError(_("Only an affiliated merchant account can be linked to a business."))
    if branch is not None and branch.merchant_id != merchant.pk:
        raise ValidationError(_("The branch belongs to another business."))
    account, _created = MerchantAccount.objects.update_or_create(
        user=user, defaults={"merchant": merchant, "branch": branch}
    )
    audit_record(actor=by, action=Action.UPDATE, obj=account, detail="cuenta de comercio")
    return account
