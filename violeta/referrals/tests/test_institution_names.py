"""Institutions show their name with their acronym (issue 16, finding 4): "DSPM", "OIC", "CEJUM" alone read as
codes to staff outside the legal area."""

import pytest
from django.urls import reverse

from violeta.referrals.models import Institution, InstitutionKind

pytestmark = pytest.mark.django_db


def test_an_institution_reads_as_its_name_with_its_acronym():
    police = Institution(name="Dirección de Seguridad Pública Municipal", short_name="DSPM")
    assert str(police) == "Dirección de Seguridad Pública Municipal (DSPM)"
    assert str(Institution(name="DIF Municipal", short_name="dif municipal")) == "DIF Municipal"
    assert str(Institution(name="Fiscalía")) == "Fiscalía"


def test_the_referral_form_offers_institutions_by_name(client, lawyer):
    from violeta.cases.tests.factories import CaseFactory

    Institution.objects.create(
        name="Centro de Justicia para las Mujeres", short_name="CEJUM", kind=InstitutionKind.JUSTICE_CENTER
    )
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    body = client.get(reverse("referrals:create", args=[case.folio])).content.decode()
    assert "Centro de Justicia para las Mujeres (CEJUM)" in body
