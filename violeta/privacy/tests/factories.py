"""ARCO requests and a woman with data in every app, for the privacy tests."""

from datetime import date

from violeta.privacy import services
from violeta.privacy.models import ArcoRight, IdentityCheck


def arco(person, by, *, right=ArcoRight.ACCESS, received_on: date | None = None, handler=None, **extra):
    from django.utils import timezone

    return services.arco_register(
        person=person,
        by=by,
        right=right,
        received_on=received_on or timezone.localdate(),
        identity_check=extra.pop("identity_check", IdentityCheck.VOTER_ID),
        description=extra.pop("description", "Solicita copia de todo su expediente."),
        handler=handler,
        **extra,
    )
