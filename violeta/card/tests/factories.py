"""Test data for the card program, made through its services."""

from datetime import date

from violeta.card.models import Branch, Channel, Merchant, MerchantCategory
from violeta.card.services.applications import application_approve, application_submit
from violeta.card.services.cards import card_issue
from violeta.people.demo import make_curp
from violeta.people.models import Neighborhood

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def neighborhood(name="Centro") -> Neighborhood:
    return Neighborhood.objects.filter(municipality="Chihuahua", name=name).first() or (
        Neighborhood.objects.filter(municipality="Chihuahua").order_by("pk").first()
    )


def applicant(
    given_names="María Fernanda",
    first_surname="Loya",
    second_surname="Chávez",
    birth_date=date(1990, 5, 10),
    **overrides,
) -> dict:
    """Keyword arguments for application_submit: a woman of Chihuahua with a CURP that matches her data."""
    curp = make_curp(
        given_names=given_names,
        first_surname=first_surname,
        second_surname=second_surname,
        birth_date=birth_date,
    )
    colonia = neighborhood()
    data = {
        "given_names": given_names,
        "first_surname": first_surname,
        "second_surname": second_surname,
        "birth_date": birth_date,
        "curp": curp,
        "address": "Calle Libertad 123",
        "postal_code": colonia.postal_code,
        "neighborhood": colonia,
        "phone": "+526144900789",
    }
    data.update(overrides)
    return data


def desk_application(by, **overrides):
    """A received application registered at the desk with the originals seen."""
    return application_submit(
        **applicant(**overrides), channel=Channel.DESK, by=by, documents_checked_at_desk=True
    )


def issued_card(by, **overrides):
    application = desk_application(by, **overrides)
    application_approve(application=application, by=by)
    return card_issue(application=application, by=by)


def merchant(name="Súper La Económica", category="supermercados", **fields) -> Merchant:
    data = {
        "name": name,
        "category": MerchantCategory.objects.get(code=category),
        "discount": "10% en el total",
        "conditions": "No acumulable con otras promociones.",
        "agreement_start": date(2026, 1, 1),
    }
    data.update(fields)
    return Merchant.objects.create(**data)


def branch(of: Merchant, name="Matriz", colonia=None) -> Branch:
    return Branch.objects.create(
        merchant=of,
        name=name,
        address="Av. Universidad 100",
        neighborhood=colonia or neighborhood(),
        hours="Lunes a sábado, 9 a 20 h",
    )
