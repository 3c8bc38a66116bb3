import pytest

from violeta.cases.tests.factories import CaseFactory
from violeta.referrals.models import InstitutionKind
from violeta.referrals.tests.factories import dif as make_dif
from violeta.referrals.tests.factories import institution, link


@pytest.fixture
def dif(db):
    return make_dif()


@pytest.fixture
def police(db):
    return institution("dspm", kind=InstitutionKind.POLICE, name="Dirección de Seguridad Pública Municipal")


@pytest.fixture
def liaison(dif_liaison, dif):
    """The conftest persona ``dif_liaison``, linked to DIF."""
    link(dif_liaison, dif)
    return dif_liaison


@pytest.fixture
def case(social_worker, lawyer):
    return CaseFactory(opened_by=social_worker, team=(lawyer,))
