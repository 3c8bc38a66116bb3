"""The case-management KPIs against small data sets counted by hand (November 2026; the period ends at midnight
between 30 November and 1 December, local time)."""

import pytest

from violeta.cases.models import Case
from violeta.cases.tests.factories import record_consultation
from violeta.reports.indicators import Rule, get
from violeta.reports.indicators.casefile import open_at
from violeta.reports.tests.care_data import NOVEMBER, at, case_opened, centro, close, reopen, woman

END = NOVEMBER.bounds()[1]


@pytest.mark.django_db
def test_a_case_closed_then_reopened_after_the_period_was_not_open_at_its_end(lawyer):
    closed_then = case_opened(at(1, 9), by=lawyer)
    close(closed_then, lawyer, at(1, 10))
    reopen(closed_then, lawyer, at(3, 12))
    back_in_november = case_opened(at(1, 9), by=lawyer)
    close(back_in_november, lawyer, at(20))
    reopen(back_in_november, lawyer, at(25))
    closed_in_december = case_opened(at(1, 9), by=lawyer)
    close(closed_in_december, lawyer, at(2, 12))
    never_closed = case_opened(at(1, 9), by=lawyer)
    opened_later = case_opened(at(2, 12), by=lawyer)
    closed = case_opened(at(1, 9), by=lawyer)
    close(closed, lawyer, at(15))

    assert set(Case.objects.filter(open_at(END)).values_list("pk", flat=True)) == {
        back_in_november.pk,
        closed_in_december.pk,
        never_closed.pk,
    }
    assert opened_later.pk in Case.objects.filter(open_at(at(3, 12))).values_list("pk", flat=True)


@pytest.mark.django_db
def test_case_load_per_professional_counts_open_cases_on_her_team_at_the_periods_end(
    lawyer, psychologist, outsider
):
    case_opened(at(1, 10), by=lawyer, holder=woman(consented_by=lawyer), team=(psychologist,))  # Ana
    case_opened(at(10), by=lawyer)  # Bea
    cruz = case_opened(at(1, 9), by=outsider)
    close(cruz, outsider, at(15))
    case_opened(at(2, 12), by=lawyer)  # Dora: opened in December
    eva = case_opened(at(1, 9), by=psychologist)
    close(eva, psychologist, at(1, 10))
    reopen(eva, psychologist, at(3, 12))  # closed all November
    fay = case_opened(at(1, 10), by=outsider)
    close(fay, outsider, at(20))
    reopen(fay, outsider, at(25))  # open again at the end

    table = get("case_load")(NOVEMBER)
    assert not table.additive
    assert table.as_dict() == {
        ("Jurídica", "Laura Abogada"): {"cases": 2},
        ("Jurídica", "Olga Otra"): {"cases": 1},
        ("Psicológica", "Paula Psicóloga"): {"cases": 1},
    }
    # Ana alone consented (she is on Laura's and Paula's teams).
    assert get("case_load")(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("Jurídica", "Laura Abogada"): {"cases": 1},
        ("Psicológica", "Paula Psicóloga"): {"cases": 1},
    }
    assert get("case_load")(NOVEMBER.but(area="psicologia")).as_dict() == {
        ("Psicológica", "Paula Psicóloga"): {"cases": 1},
    }


@pytest.mark.django_db
def test_time_from_intake_to_first_consultation_of_the_cases_opened_in_the_period(lawyer, psychologist):
    place = centro()
    ana = case_opened(at(2), by=lawyer, holder=woman(consented_by=lawyer))
    record_consultation(ana, lawyer, when=at(4))  # 2 days
    record_consultation(ana, psychologist, when=at(12))  # psychology: 10 days
    bea = case_opened(at(10), by=lawyer, holder=woman(neighborhood=place))
    record_consultation(bea, lawyer, when=at(10, hour=9))  # before the file was typed in: no wait
    cruz = case_opened(at(20), by=lawyer, holder=woman(consented_by=lawyer))
    record_consultation(cruz, psychologist, when=at(1, 12))  # 11 days, in December
    case_opened(at(25), by=lawyer, holder=woman(neighborhood=place))  # Dora: still waiting
    eva = case_opened(at(30, 10), by=lawyer)  # opened in October: not in the cohort
    record_consultation(eva, lawyer, when=at(3))

    first = get("time_to_first_consultation")
    table = first(NOVEMBER)
    assert [c.kind for c in table.value_columns] == ["count", "number", "number", "count"]
    assert table.as_dict() == {
        ("Cualquier área",): {"cases": 3, "mean_days": 4.3, "median_days": 2.0, "waiting": 1}
    }
    assert first(NOVEMBER, Rule.STATISTICS).as_dict() == {  # Ana and Cruz
        ("Cualquier área",): {"cases": 2, "mean_days": 6.5, "median_days": 6.5, "waiting": 0}
    }
    assert first(NOVEMBER.but(neighborhood=place.pk)).as_dict() == {  # Bea and Dora
        ("Cualquier área",): {"cases": 1, "mean_days": 0.0, "median_days": 0.0, "waiting": 1}
    }
    # An area: its first consultation, in the cases with the area on their team (the lawyer opened all four).
    assert first(NOVEMBER.but(area="juridica")).as_dict() == {  # Ana 2 days, Bea none; Cruz and Dora wait
        ("Jurídica",): {"cases": 2, "mean_days": 1.0, "median_days": 1.0, "waiting": 2}
    }
    assert first(NOVEMBER.but(area="psicologia")).as_dict() == {  # Ana 10 days, Cruz 11
        ("Psicológica",): {"cases": 2, "mean_days": 10.5, "median_days": 10.5, "waiting": 0}
    }
    assert first(NOVEMBER.but(area="trabajo-social")).rows == []  # nobody to measure


@pytest.mark.django_db
def test_time_to_close_the_cases_closed_in_the_period_by_reason(lawyer, psychologist):
    ana = case_opened(at(1, 10), by=lawyer, holder=woman(consented_by=lawyer))
    close(ana, lawyer, at(10))  # 40 days
    bea = case_opened(at(1), by=lawyer, holder=woman(consented_by=lawyer))
    close(bea, lawyer, at(21), "no_contact")  # 20 days
    cruz = case_opened(at(1, 9), by=lawyer, team=(psychologist,))
    close(cruz, lawyer, at(30, hour=20))  # 90 days and 10 hours, the last evening of November
    dora = case_opened(at(1, 10), by=lawyer)
    close(dora, lawyer, at(1, 12, hour=1))  # December
    eva = case_opened(at(1, 10), by=lawyer)
    close(eva, lawyer, at(5))
    reopen(eva, lawyer, at(8))  # open again: not closed

    table = get("time_to_close")(NOVEMBER)
    assert table.as_dict() == {
        ("Todos los motivos",): {"cases": 3, "mean_days": 50.1, "median_days": 40.0},
        ("Atención concluida",): {"cases": 2, "mean_days": 65.2, "median_days": 65.2},
        ("Sin contacto",): {"cases": 1, "mean_days": 20.0, "median_days": 20.0},
    }
    assert get("time_to_close")(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("Todos los motivos",): {"cases": 2, "mean_days": 30.0, "median_days": 30.0},
        ("Atención concluida",): {"cases": 1, "mean_days": 40.0, "median_days": 40.0},
        ("Sin contacto",): {"cases": 1, "mean_days": 20.0, "median_days": 20.0},
    }
    assert get("time_to_close")(NOVEMBER.but(area="psicologia")).as_dict() == {
        ("Todos los motivos",): {"cases": 1, "mean_days": 90.4, "median_days": 90.4},
        ("Atención concluida",): {"cases": 1, "mean_days": 90.4, "median_days": 90.4},
    }


@pytest.mark.django_db
def test_open_cases_without_a_consultation_in_30_60_and_90_days_at_the_periods_end(lawyer, psychologist):
    ana = case_opened(at(1, 8), by=lawyer, holder=woman(consented_by=lawyer))
    record_consultation(ana, psychologist, when=at(15, 10))  # 30 days or more
    bea = case_opened(at(1, 8), by=lawyer)
    record_consultation(bea, lawyer, when=at(20, 8))
    record_consultation(bea, lawyer, when=at(3, 12))  # after the period: not seen from its end
    case_opened(at(5), by=lawyer)  # Cruz: opened 26 days before the end, no consultation yet
    case_opened(at(1, 7), by=lawyer, holder=woman(consented_by=lawyer))  # Dora: never attended
    eva = case_opened(at(1, 7), by=lawyer, team=(psychologist,))
    record_consultation(eva, lawyer, when=at(20))  # attended; but never by psychology
    fay = case_opened(at(1, 7), by=lawyer)
    record_consultation(fay, lawyer, when=at(10, 9))
    close(fay, lawyer, at(28))  # closed
    gaby = case_opened(at(1, 7), by=lawyer)
    record_consultation(gaby, lawyer, when=at(20, 9))  # 60 days or more, not 90

    table = get("without_consultation")(NOVEMBER)
    assert not table.additive
    assert table.as_dict() == {
        ("30 días o más",): {"cases": 4},  # Ana, Bea, Dora, Gaby
        ("60 días o más",): {"cases": 3},  # Bea, Dora, Gaby
        ("90 días o más",): {"cases": 2},  # Bea, Dora
    }
    assert get("without_consultation")(NOVEMBER, Rule.STATISTICS).column("cases") == [2, 1, 1]
    # In psychology: the cases with psychology on the team (Ana, Eva), and psychology's consultations only.
    assert get("without_consultation")(NOVEMBER.but(area="psicologia")).column("cases") == [2, 1, 1]
