"""ARCO requests and a woman with data in every app, for the privacy tests."""

from datetime import date

from violeta.privacy.models import ArcoRight, IdentityCheck
from violeta.privacy.services.arco import arco_register
from violeta.privacy.services.breaches import breach_record
from violeta.privacy.services.rectification import arco_rectify


def arco(person, by, *, right=ArcoRight.ACCESS, received_on: date | None = None, handler=None, **extra):
    from django.utils import timezone

    return arco_register(
        person=person,
        by=by,
        right=right,
        received_on=received_on or timezone.localdate(),
        identity_check=extra.pop("identity_check", IdentityCheck.VOTER_ID),
        description=extra.pop("description", "Solicita copia de todo su expediente."),
        handler=handler,
        **extra,
    )


def _director():
    """The director persona when the test signed in as her, otherwise another director (so she is not it)."""
    from violeta.accounts.models import Role, User
    from violeta.conftest import make_user

    return User.objects.filter(role=Role.DIRECTOR).order_by("pk").first() or make_user(
        "otra.direccion@imm.test", Role.DIRECTOR
    )


def matrix_kwargs(kind: str):
    """For the authorization matrix: URL arguments of a privacy object about the case under test's holder,
    handled by the director (only she, as the handler, reaches the request's pages; coordinators get 404)."""

    def build(world) -> dict:
        from datetime import date

        director = _director()
        # Read afresh: the matrix shares one world per module, and a rectification changes the Person in memory
        # while each test's savepoint rolls the row back.
        holder = type(world["case"].holder).objects.get(pk=world["case"].holder_id)
        if kind == "breach":
            breach = breach_record(
                by=director,
                detected_on=date(2026, 11, 3),
                description="Prueba",
                data_affected="Nombres",
                people_affected=1,
            )
            return {"pk": breach.pk}
        if kind == "notice":
            request = arco(holder, director, right=ArcoRight.RECTIFICATION)
            (notice,) = arco_rectify(request=request, by=director, changes={"given_names": "Corregida"})
            return {"pk": notice.pk}
        right = {"rectify": ArcoRight.RECTIFICATION}.get(kind, ArcoRight.ACCESS)
        return {"pk": arco(holder, director, right=right).pk}

    return build
