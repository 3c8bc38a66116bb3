"""Women attended by colonia, against a small data set counted by hand."""

import datetime

import pytest

from violeta.cases.models import Modality
from violeta.cases.tests.factories import record_consultation
from violeta.people.models import Neighborhood
from violeta.people.tests.factories import PersonFactory
from violeta.reports.indicators import Filters, Rule, get
from violeta.reports.tests.test_base import at, case_opened, consent

NOVEMBER = Filters.month(2026, 11)


def colonia(name: str, postal_code: str) -> Neighborhood:
    return Neighborhood.objects.create(
        postal_code=postal_code,
        name=name,
        settlement_type="Colonia prueba",
        municipality="Chihuahua",
        state="Chih.",
    )


@pytest.mark.django_db
def test_women_attended_by_colonia_counts_each_woman_once_in_her_colonia(lawyer, psychologist):
    centro, dale = colonia("Centro Prueba", "31000"), colonia("Dale Prueba", "31050")
    # Ana (Centro, consented): three consultations in November, two areas: one woman.
    ana = case_opened(
        at(2, 10),
        holder=PersonFactory(neighborhood=centro, birth_date=datetime.date(1986, 3, 1)),
        opened_by=lawyer,
    )
    for day in (3, 5):
        record_consultation(ana, lawyer, when=at(day))
    record_consultation(ana, psychologist, when=at(6), modality=Modality.PHONE)
    consent(ana.holder, lawyer)
    # Bea (Centro, 20 years old in November, no consent): one legal consultation.
    bea_holder = PersonFactory(neighborhood=centro, birth_date=datetime.date(2006, 5, 1))
    record_consultation(case_opened(at(9), holder=bea_holder, opened_by=lawyer), lawyer, when=at(10))
    # Carla (Dale, consented): one psychological consultation.
    carla = case_opened(at(1), holder=PersonFactory(neighborhood=dale, birth_date=datetime.date(1980, 1, 1)))
    record_consultation(carla, psychologist, when=at(12))
    consent(carla.holder, lawyer)
    # Dora (no colonia recorded): one consultation.
    dora = case_opened(at(1), holder=PersonFactory(neighborhood=None, birth_date=datetime.date(1990, 1, 1)))
    record_consultation(dora, lawyer, when=at(20))
    # Eva (Dale): only in December, outside the period.
    eva = case_opened(at(1, 12), holder=PersonFactory(neighborhood=dale))
    record_consultation(eva, lawyer, when=at(2, 12))

    by_colonia = get("women_by_neighborhood")
    table = by_colonia(NOVEMBER)
    assert table.as_dict() == {
        ("Centro Prueba", "31000"): {"women": 2},
        ("Dale Prueba", "31050"): {"women": 1},
        ("Sin colonia registrada", ""): {"women": 1},
    }
    # Most women first; the women with no colonia last.
    assert [row[0] for row in table.rows] == ["Centro Prueba", "Dale Prueba", "Sin colonia registrada"]
    assert table.additive
    assert by_colonia(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("Centro Prueba", "31000"): {"women": 1},
        ("Dale Prueba", "31050"): {"women": 1},
    }
    assert by_colonia(NOVEMBER.but(area="psicologia")).as_dict() == {
        ("Centro Prueba", "31000"): {"women": 1},
        ("Dale Prueba", "31050"): {"women": 1},
    }
    assert by_colonia(NOVEMBER.but(age_group="18-29")).as_dict() == {("Centro Prueba", "31000"): {"women": 1}}
    assert by_colonia(NOVEMBER.but(neighborhood=dale.pk)).as_dict() == {
        ("Dale Prueba", "31050"): {"women": 1}
    }
    assert by_colonia(NOVEMBER.but(program="empresa")).ignored == ("program",)
