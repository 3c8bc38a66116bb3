"""Staff edit the office hours, holidays and phone lines; the public status reads them at once."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.agenda.hours import opening_status
from violeta.agenda.models import Holiday, OfficeHours, PhoneLine
from violeta.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def week_post(days=None):
    """Monday to Friday 9-15 unless changed; ``days`` maps a weekday number to (opens, closes) or None."""
    days, data = days or {}, {}
    for weekday in range(7):
        value = days.get(weekday, ("09:00", "15:00") if weekday < 5 else None)
        if value:
            data[f"d{weekday}-is_open"] = "on"
            data[f"d{weekday}-opens"], data[f"d{weekday}-closes"] = value
    return data


def test_the_director_changes_the_hours_and_the_public_status_follows(client, director):
    client.force_login(director)
    assert client.get(reverse("agenda:office_hours")).status_code == 200
    response = client.post(
        reverse("agenda:office_hours"), week_post({0: ("10:00", "18:00"), 5: ("09:00", "13:00")})
    )
    assert response.status_code == 302
    monday = OfficeHours.objects.get(weekday=0)
    assert (monday.opens, monday.closes) == (time(10), time(18))
    assert OfficeHours.objects.filter(weekday=5).exists()
    assert not OfficeHours.objects.filter(weekday=6).exists()
    assert AuditEvent.objects.filter(object_type="agenda.officehours", actor=director).exists()
    # the public status reads the new hours (a Monday that is no holiday, at 16:00)
    day = timezone.localdate()
    day += timedelta(days=(7 - day.weekday()) % 7 or 7)
    while Holiday.objects.filter(date=day).exists():
        day += timedelta(days=7)
    moment = datetime.combine(day, time(16), tzinfo=timezone.get_current_timezone())
    assert opening_status(moment).is_open


def test_a_day_can_be_closed(client, coordinator):
    client.force_login(coordinator)
    data = week_post()
    for key in [k for k in data if k.startswith("d4-")]:
        del data[key]
    assert client.post(reverse("agenda:office_hours"), data).status_code == 302
    assert not OfficeHours.objects.filter(weekday=4).exists()


def test_closing_before_opening_is_refused_and_nothing_changes(client, director):
    client.force_login(director)
    response = client.post(reverse("agenda:office_hours"), week_post({2: ("15:00", "09:00")}))
    assert response.status_code == 400
    assert "La hora de cierre debe ser posterior a la de apertura." in response.content.decode()
    assert OfficeHours.objects.get(weekday=2).opens == time(9)


def test_open_without_times_is_refused(client, director):
    client.force_login(director)
    data = week_post()
    data["d1-opens"] = ""
    response = client.post(reverse("agenda:office_hours"), data)
    assert response.status_code == 400
    assert "Indique la hora de apertura." in response.content.decode()


def test_holidays_are_added_and_removed_and_not_in_the_past(client, director):
    client.force_login(director)
    day = timezone.localdate() + timedelta(days=20)
    Holiday.objects.filter(date=day).delete()
    response = client.post(
        reverse("agenda:holiday_add"), {"date": day.isoformat(), "name": "Día del Instituto"}
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=day)
    past = client.post(
        reverse("agenda:holiday_add"),
        {"date": (timezone.localdate() - timedelta(days=1)).isoformat(), "name": "Ayer"},
    )
    assert past.status_code == 400
    assert "No se puede agregar un día inhábil en el pasado." in past.content.decode()
    assert client.post(reverse("agenda:holiday_remove", args=[holiday.pk])).status_code == 302
    assert not Holiday.objects.filter(date=day).exists()


def test_a_holiday_closes_the_public_status(director):
    from violeta.agenda import office

    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    Holiday.objects.filter(date=day).delete()
    office.holiday_add(by=director, day=day, name="Día del Instituto")
    moment = datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())
    status = opening_status(moment)
    assert not status.is_open and status.holiday.name == "Día del Instituto"


def test_phone_lines_are_added_and_edited_with_the_number_validated(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("agenda:line_create"), {"name": "Psicología", "number": "614 123 4567", "is_active": "on"}
    )
    assert response.status_code == 302
    line = PhoneLine.objects.get(name="Psicología")
    assert line.number == "+526141234567" and line.is_active and line.code
    bad = client.post(reverse("agenda:line_edit", args=[line.pk]), {"name": "Psicología", "number": "12"})
    assert bad.status_code == 200
    assert (
        "no es un número de teléfono válido" in bad.content.decode()
        or "no es un número de teléfono" in bad.content.decode()
    )
    client.post(reverse("agenda:line_edit", args=[line.pk]), {"name": "Psicología", "number": "6149998877"})
    line.refresh_from_db()
    assert line.number == "+526149998877" and not line.is_active
    assert AuditEvent.objects.filter(object_type="agenda.phoneline", actor=coordinator).count() == 2


@pytest.mark.parametrize("role", ["receptionist", "lawyer"])
def test_only_the_director_and_coordinators_edit(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("agenda:office_hours")).status_code == 404
    assert (
        client.post(reverse("agenda:line_create"), {"name": "X", "number": "6141234567"}).status_code == 404
    )
    assert not PhoneLine.objects.filter(name="X").exists()
