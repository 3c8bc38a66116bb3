"""Open now or closed, and when it opens: the public site's "abierto ahora" (issue 19), from the agenda's hours.

The migrations seed Monday to Friday, 9:00 to 15:00. 2026-12-07 is a Monday.
"""

from datetime import datetime, time

import pytest
from django.utils import timezone
from django.utils.translation import override

from violeta.agenda.hours import opening_status
from violeta.agenda.models import Holiday, OfficeHours

pytestmark = pytest.mark.django_db


def local(*args):
    return timezone.make_aware(datetime(*args))


def said(moment):
    with override("es-mx"):
        return str(opening_status(moment).describe(moment))


def test_the_seeded_hours_are_monday_to_friday_nine_to_three():
    assert [(h.weekday, h.opens, h.closes) for h in OfficeHours.objects.all()] == [
        (day, time(9), time(15)) for day in range(5)
    ]


def test_open_from_the_opening_minute_included_to_the_closing_minute_excluded():
    monday = (2026, 12, 7)
    assert not opening_status(local(*monday, 8, 59, 59)).is_open
    status = opening_status(local(*monday, 9, 0))
    assert status.is_open and status.closes_at == local(*monday, 15, 0)
    assert opening_status(local(*monday, 14, 59, 59)).is_open
    assert not opening_status(local(*monday, 15, 0)).is_open


def test_what_it_says_at_each_boundary():
    assert said(local(2026, 12, 7, 8, 59)) == "Cerrado, abre hoy a las 9:00"
    assert said(local(2026, 12, 7, 9, 0)) == "Abierto ahora, hasta las 15:00"
    assert said(local(2026, 12, 7, 15, 0)) == "Cerrado, abre mañana a las 9:00"
    assert said(local(2026, 12, 11, 15, 0)) == "Cerrado, abre el lunes a las 9:00"  # Friday afternoon
    assert said(local(2026, 12, 12, 11, 0)) == "Cerrado, abre el lunes a las 9:00"  # Saturday
    assert said(local(2026, 12, 13, 23, 59)) == "Cerrado, abre mañana a las 9:00"  # Sunday night


def test_a_holiday_is_closed_all_day_and_says_why():
    Holiday.objects.create(date=datetime(2026, 12, 7).date(), name="Día de prueba")
    status = opening_status(local(2026, 12, 7, 11, 0))
    assert not status.is_open
    assert status.holiday.name == "Día de prueba"
    assert status.opens_at == local(2026, 12, 8, 9, 0)
    assert said(local(2026, 12, 7, 11, 0)) == "Cerrado hoy (Día de prueba), abre mañana a las 9:00"
    # The day before, it says the first day after the holiday.
    assert said(local(2026, 12, 6, 12, 0)) == "Cerrado, abre el martes a las 9:00"


def test_a_run_of_holidays_pushes_the_opening_past_a_week():
    # The institute's winter break: closed from Monday 21st to Friday 1st January.
    # (The migrations seed the official holidays: Christmas and New Year's Day may already be there.)
    for day in range(21, 32):
        Holiday.objects.get_or_create(date=datetime(2026, 12, day).date(), defaults={"name": "Vacaciones"})
    Holiday.objects.get_or_create(date=datetime(2027, 1, 1).date(), defaults={"name": "Año Nuevo"})
    status = opening_status(local(2026, 12, 18, 16, 0))
    assert status.opens_at == local(2027, 1, 4, 9, 0)
    assert said(local(2026, 12, 18, 16, 0)) == "Cerrado, abre el lunes 4 a las 9:00"


def test_hours_changed_by_staff_are_read_at_once():
    OfficeHours.objects.filter(weekday=0).update(opens=time(8, 30), closes=time(19, 0))
    OfficeHours.objects.create(weekday=5, opens=time(10), closes=time(13, 30))
    assert said(local(2026, 12, 7, 8, 30)) == "Abierto ahora, hasta las 19:00"
    assert said(local(2026, 12, 11, 16, 0)) == "Cerrado, abre mañana a las 10:00"  # Saturday now opens
    assert opening_status(local(2026, 12, 12, 13, 29)).is_open
    assert not opening_status(local(2026, 12, 12, 13, 30)).is_open


def test_no_hours_at_all_is_closed_without_a_promise():
    OfficeHours.objects.all().delete()
    status = opening_status(local(2026, 12, 7, 10, 0))
    assert not status.is_open and status.opens_at is None
    assert said(local(2026, 12, 7, 10, 0)) == "Cerrado"


def test_two_queries_whatever_the_moment(django_assert_num_queries):
    with django_assert_num_queries(2):
        opening_status(local(2026, 12, 12, 11, 0))
