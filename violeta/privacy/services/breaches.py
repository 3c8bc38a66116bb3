"""Writes of the register of security breaches (the director only).

One transaction each, with its audit record.
"""

from django.db import transaction

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.privacy.models import Breach
from violeta.privacy.permissions import require_director

BREACH_FIELDS = (
    "detected_on",
    "description",
    "data_affected",
    "people_affected",
    "measures",
    "people_notified_on",
    "authority_notified_on",
)


@transaction.atomic
def breach_record(*, by, **fields) -> Breach:
    require_director(by)
    unknown = set(fields) - set(BREACH_FIELDS)
    if unknown:
        raise TypeError(f"unknown breach fields: {sorted(unknown)}")
    breach = Breach(recorded_by=by, **fields)
    breach.full_clean()
    breach.save()
    audit_record(actor=by, action=Action.CREATE, obj=breach, detail="registro de vulneración", flagged=True)
    return breach


@transaction.atomic
def breach_update(*, breach: Breach, by, **fields) -> Breach:
    require_director(by)
    unknown = set(fields) - set(BREACH_FIELDS)
    if unknown:
        raise TypeError(f"unknown breach fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(breach, key, value)
    breach.full_clean()
    breach.save()
    audit_record(actor=by, action=Action.UPDATE, obj=breach, detail="vulneración actualizada")
    return breach
