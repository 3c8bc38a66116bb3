"""Calls by line, hour and weekday, and those outside office hours, against a data set counted by hand."""

import datetime

import pytest

from violeta.agenda.services import phone_call_link_case
from violeta.agenda.tests.factories import log_call
from violeta.cases.tests.factories import CaseFactory
from violeta.reports.indicators import Filters, Rule, get
from violeta.reports.tests.reach_data import NOVEMBER, at

pytestmark = pytest.mark.django_db

VIOLENCE, LEGAL = ("Atención en situación de violencia",), ("Jurídico gratuito",)


@pytest.fixture
def calls(receptionist, lawyer):
    """November 2026, office hours Monday to Friday 9:00-15:00, Monday 16 a holiday.
    C1 violence line, Mon 2, 10:00 (within); C2 violence, Mon 2, 20:30 (outside); C3 legal line, Tue 3, 10:15
    (within); C4 violence, Sat 7, 11:00 (outside); C5 legal, Mon 16 (holiday), 10:00 (outside); C6 violence,
    Wed 4, 8:59 (outside), became Bea's case file (she did not consent to statistics); C7 violence, 30 October."""
    log_call(by=receptionist, when=at(2, hour=10))
    log_call(by=receptionist, when=at(2, hour=20, minute=30))
    log_call(by=receptionist, line="juridico", when=at(3, hour=10, minute=15))
    log_call(by=receptionist, when=at(7, hour=11))
    log_call(by=receptionist, line="juridico", when=at(16, hour=10))
    c6 = log_call(by=receptionist, when=at(4, hour=8, minute=59), caller_name="Bea")
    phone_call_link_case(call=c6, case=CaseFactory(opened_by=lawyer), by=receptionist)
    log_call(by=receptionist, when=at(30, 10))


def test_calls_by_line_within_and_outside_office_hours(calls):
    table = get("calls_by_line")
    assert table(NOVEMBER).as_dict() == {
        VIOLENCE: {"calls": 4, "within": 1, "outside": 3},
        LEGAL: {"calls": 2, "within": 1, "outside": 1},
    }
    # C6 is tied to Bea, who did not consent; the anonymous calls stay.
    assert table(NOVEMBER, Rule.STATISTICS).as_dict() == {
        VIOLENCE: {"calls": 3, "within": 1, "outside": 2},
        LEGAL: {"calls": 2, "within": 1, "outside": 1},
    }
    first_days = Filters(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 3))
    assert table(first_days).as_dict() == {
        VIOLENCE: {"calls": 2, "within": 1, "outside": 1},
        LEGAL: {"calls": 1, "within": 1, "outside": 0},
    }


def test_calls_by_hour_of_the_day_in_local_time(calls):
    table = get("calls_by_hour")(NOVEMBER)
    assert len(table.rows) == 24
    busy = {label: values for label, values in table.as_dict().items() if values["calls"]}
    assert busy == {
        ("08:00",): {"calls": 1, "within": 0, "outside": 1},
        ("10:00",): {"calls": 3, "within": 2, "outside": 1},  # C1, C3 and C5 on the holiday
        ("11:00",): {"calls": 1, "within": 0, "outside": 1},
        ("20:00",): {"calls": 1, "within": 0, "outside": 1},
    }
    statistics = get("calls_by_hour")(NOVEMBER, Rule.STATISTICS).as_dict()
    assert statistics[("08:00",)] == {"calls": 0, "within": 0, "outside": 0}
    second = get("calls_by_hour")(Filters(start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 2)))
    assert second.as_dict()[("10:00",)] == {"calls": 1, "within": 1, "outside": 0}


def test_calls_by_weekday(calls):
    assert get("calls_by_weekday")(NOVEMBER).as_dict() == {
        ("Lunes",): {"calls": 3, "within": 1, "outside": 2},
        ("Martes",): {"calls": 1, "within": 1, "outside": 0},
        ("Miércoles",): {"calls": 1, "within": 0, "outside": 1},
        ("Jueves",): {"calls": 0, "within": 0, "outside": 0},
        ("Viernes",): {"calls": 0, "within": 0, "outside": 0},
        ("Sábado",): {"calls": 1, "within": 0, "outside": 1},
        ("Domingo",): {"calls": 0, "within": 0, "outside": 0},
    }
    weekend = Filters(start=datetime.date(2026, 11, 5), end=datetime.date(2026, 11, 8))
    assert get("calls_by_weekday")(weekend).as_dict()[("Sábado",)] == {"calls": 1, "within": 0, "outside": 1}
    assert get("calls_by_weekday")(weekend).as_dict()[("Lunes",)] == {"calls": 0, "within": 0, "outside": 0}


def test_calls_say_which_chosen_filters_they_ignore(calls):
    table = get("calls_by_line")(NOVEMBER.but(age_group="18-29", area="juridica"))
    assert table.ignored == ("area", "age_group")
    # The figures are those of every call: the filters they ignore change nothing.
    assert table.as_dict()[VIOLENCE] == {"calls": 4, "within": 1, "outside": 3}
