"""Referrals by institution, by state and the time to answer, against a small data set counted by hand."""

import pytest

from violeta.cases.tests.factories import CaseFactory
from violeta.people.tests.factories import PersonFactory
from violeta.referrals import services
from violeta.referrals.models import InstitutionKind, Outcome, Referral
from violeta.referrals.tests.factories import dif, institution, refer
from violeta.reports.indicators import Filters, Rule, get
from violeta.reports.tests.reach_data import NOVEMBER, at, centro, statistics_consent

pytestmark = pytest.mark.django_db

DIF = "DIF Municipal de Chihuahua (DIF)"
DSPM = "Dirección de Seguridad Pública (DSPM)"


def sent_on(referral, when, answered=None):
    Referral.objects.filter(pk=referral.pk).update(sent_at=when, answered_at=answered)


@pytest.fixture
def referrals(lawyer, psychologist):
    """November 2026. Ana (colonia Centro, consented to statistics), referred by the lawyer:
    R1 DIF sent 2nd, received 4th (2 days); R2 DSPM sent 5th, rejected 6th (1 day); R6 DIF sent 21st, received
    22nd (1 day). Bea (no consent), referred by the psychologist: R3 DIF sent 10th, received 16th (6 days) and
    attended; R4 DIF sent 20th, no answer. Cruz: R5 DIF sent in October, answered 1 November. Dora: a draft."""
    inst_dif = dif()
    dspm = institution("dspm", kind=InstitutionKind.POLICE, name="Dirección de Seguridad Pública")
    colonia = centro()
    ana = CaseFactory(holder=PersonFactory(neighborhood=colonia), opened_by=lawyer, team=(lawyer,))
    statistics_consent(ana.holder, lawyer)
    bea = CaseFactory(opened_by=psychologist, team=(psychologist,))
    cruz = CaseFactory(opened_by=lawyer, team=(lawyer,))
    dora = CaseFactory(opened_by=lawyer, team=(lawyer,))

    r1 = refer(ana, lawyer, inst_dif)
    services.referral_accept(referral=r1, by=lawyer)
    sent_on(r1, at(2), at(4))
    r2 = refer(ana, lawyer, dspm)
    services.referral_reject(referral=r2, by=lawyer, reason="No es de su competencia")
    sent_on(r2, at(5), at(6))
    r6 = refer(ana, lawyer, inst_dif)
    services.referral_accept(referral=r6, by=lawyer)
    sent_on(r6, at(21), at(22))
    r3 = refer(bea, psychologist, inst_dif)
    services.referral_accept(referral=r3, by=psychologist)
    services.referral_report_back(
        referral=r3, by=psychologist, counter_referral="Se le dio atención", outcome=Outcome.SERVICE_GIVEN
    )
    sent_on(r3, at(10), at(16))
    r4 = refer(bea, psychologist, inst_dif)
    sent_on(r4, at(20))
    r5 = refer(cruz, lawyer, inst_dif)
    services.referral_accept(referral=r5, by=lawyer)
    sent_on(r5, at(28, 10), at(1))
    refer(dora, lawyer, inst_dif, send=False)
    return {"centro": colonia.pk}


def test_referrals_by_institution_count_the_ones_sent_in_the_period(referrals):
    table = get("referrals_by_institution")
    assert table(NOVEMBER).as_dict() == {
        (DIF,): {"referrals": 4, "answered": 3, "waiting": 1},
        (DSPM,): {"referrals": 1, "answered": 1, "waiting": 0},
    }
    assert table(NOVEMBER, Rule.STATISTICS).as_dict() == {
        (DIF,): {"referrals": 2, "answered": 2, "waiting": 0},
        (DSPM,): {"referrals": 1, "answered": 1, "waiting": 0},
    }
    # The psychology area made R3 and R4; the colonia Centro is Ana's.
    assert table(NOVEMBER.but(area="psicologia")).as_dict() == {
        (DIF,): {"referrals": 2, "answered": 1, "waiting": 1}
    }
    assert table(NOVEMBER.but(neighborhood=referrals["centro"])).as_dict() == {
        (DIF,): {"referrals": 2, "answered": 2, "waiting": 0},
        (DSPM,): {"referrals": 1, "answered": 1, "waiting": 0},
    }


def test_referrals_by_state_show_every_state_a_sent_referral_can_be_in(referrals):
    assert get("referrals_by_status")(NOVEMBER).as_dict() == {
        ("Enviada a la institución",): {"referrals": 1},
        ("Recibida",): {"referrals": 2},
        ("En atención",): {"referrals": 0},
        ("Atendida",): {"referrals": 1},
        ("Rechazada",): {"referrals": 1},
        ("Cerrada sin contacto",): {"referrals": 0},
    }
    statistics = get("referrals_by_status")(NOVEMBER, Rule.STATISTICS).as_dict()
    assert statistics[("Recibida",)] == {"referrals": 2}
    assert statistics[("Atendida",)] == {"referrals": 0}
    legal = get("referrals_by_status")(NOVEMBER.but(area="juridica")).as_dict()
    assert legal[("Enviada a la institución",)] == {"referrals": 0}  # R4 was the psychologist's
    assert legal[("Rechazada",)] == {"referrals": 1}


def test_time_to_answer_is_the_median_and_mean_days_from_sending_to_the_first_answer(referrals):
    table = get("referral_answer_time")(NOVEMBER)
    # DIF: 2, 6 and 1 days; DSPM: 1 day; all: 1, 1, 2, 6.
    assert table.as_dict() == {
        (DIF,): {"answered": 3, "median_days": 2.0, "mean_days": 3.0},
        (DSPM,): {"answered": 1, "median_days": 1.0, "mean_days": 1.0},
        ("Todas las instituciones",): {"answered": 4, "median_days": 1.5, "mean_days": 2.5},
    }
    assert not table.additive
    # Ana's alone: 2, 1 and 1 days.
    statistics = get("referral_answer_time")(NOVEMBER, Rule.STATISTICS).as_dict()
    assert statistics[("Todas las instituciones",)] == {"answered": 3, "median_days": 1.0, "mean_days": 1.3}
    psychology = get("referral_answer_time")(NOVEMBER.but(area="psicologia")).as_dict()
    assert psychology == {
        (DIF,): {"answered": 1, "median_days": 6.0, "mean_days": 6.0},
        ("Todas las instituciones",): {"answered": 1, "median_days": 6.0, "mean_days": 6.0},
    }


def test_with_no_referral_answered_the_times_are_empty(referrals):
    december = Filters.month(2026, 12)
    assert get("referral_answer_time")(december).as_dict() == {
        ("Todas las instituciones",): {"answered": 0, "median_days": None, "mean_days": None}
    }


def test_an_institution_whose_name_carries_its_acronym_is_not_given_it_twice(lawyer):
    cappsi = institution("cappsi", name="Centro de Atención Psicológica (CAPPSI)")
    referral = refer(CaseFactory(opened_by=lawyer, team=(lawyer,)), lawyer, cappsi)
    sent_on(referral, at(12))
    assert get("referrals_by_institution")(NOVEMBER).as_dict() == {
        ("Centro de Atención Psicológica (CAPPSI)",): {"referrals": 1, "answered": 0, "waiting": 1}
    }
