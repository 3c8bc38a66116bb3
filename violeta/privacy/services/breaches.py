"""Writes of the register of security breaches (the director only).

One transaction each, with its audit record.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.core.validators import check_dates, validate_not_future
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


def _check_dates(breach: Breach) -> None:
    """Every date of the register already happened, and nobody was told of a breach before it was detected."""
    check_dates(
        {
            name: (validate_not_future, getattr(breach, name))
            for name in ("detected_on", "people_notified_on", "authority_notified_on")
        }
    )
    errors = {}
    for name in ("people_notified_on", "authority_notified_on"):
        day = getattr(breach, name)
        if day and breach.detected_on and day < breach.detected_on:
            errors[name] = _("The notice cannot be dated before the breach was detected.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def breach_record(*, by, **fields) -> Breach:
    require_director(by)
    unknown = set(fields) - set(BREACH_FIELDS)
    if unknown:
        raise TypeError(f"unknown breach fields: {sorted(unknown)}")
    breach = Breach(recorded_by=by, **fields)
    _check_dates(breach)
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
    _check_dates(breach)
    breach.full_clean()
    breach.save()
    audit_record(actor=by, action=Action.UPDATE, obj=breach, detail="vulneración actualizada")
    return breach
