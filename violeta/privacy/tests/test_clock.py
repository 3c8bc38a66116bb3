from datetime import date

import pytest

from violeta.agenda.models import Holiday
from violeta.privacy import clock


def test_federal_holidays_follow_the_law_for_any_year():
    days = clock.federal_holidays(2030)
    assert date(2030, 2, 4) in days  # first Monday of February
    assert date(2030, 3, 18) in days  # third Monday of March
    assert date(2030, 11, 18) in days  # third Monday of November
    assert date(2030, 10, 1) in days  # change of federal executive
    assert date(2031, 10, 1) not in clock.federal_holidays(2031)


@pytest.mark.django_db
def test_twenty_business_days_skip_weekends_and_holidays():
    # Friday 13 Nov 2026; Monday 16 Nov is the Revolution holiday.
    assert clock.add_business_days(date(2026, 11, 13), 20) == date(2026, 12, 14)


@pytest.mark.django_db
def test_the_agendas_holidays_count_too():
    before = clock.add_business_days(date(2028, 6, 5), 5)
    Holiday.objects.create(date=date(2028, 6, 7), name="Día del instituto")
    assert clock.add_business_days(date(2028, 6, 5), 5) > before
    assert clock.business_days_between(date(2028, 6, 5), clock.add_business_days(date(2028, 6, 5), 5)) == 5


@pytest.mark.django_db
def test_subtract_is_the_inverse():
    due = clock.add_business_days(date(2026, 12, 18), 20)
    assert clock.subtract_business_days(due, 20) == date(2026, 12, 18)
