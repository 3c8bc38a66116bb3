"""Office hours and holidays: the one place that decides whether a moment is within the institute's hours."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.agenda.models import Holiday, OfficeHours


def hours_of(day: date) -> OfficeHours | None:
    return OfficeHours.objects.filter(weekday=day.weekday()).first()


def holiday_on(day: date) -> Holiday | None:
    return Holiday.objects.filter(date=day).first()


def is_office_time(moment: datetime) -> bool:
    """Whether a moment falls within the office hours of a working day (a call at that time is attended)."""
    local = timezone.localtime(moment)
    hours = hours_of(local.date())
    if hours is None or holiday_on(local.date()) is not None:
        return False
    return hours.opens <= local.time() < hours.closes


def office_hours_problem(starts_at: datetime, ends_at: datetime) -> str:
    """Why an appointment from ``starts_at`` to ``ends_at`` cannot be booked, in Spanish; "" when it can."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if end <= start:
        return _("The end must be after the start.")
    if start.date() != end.date():
        return _("An appointment must start and end on the same day.")
    holiday = holiday_on(start.date())
    if holiday is not None:
        return _("%(date)s is a holiday (%(name)s): the institute is closed.") % {
            "date": start.strftime("%d/%m/%Y"),
            "name": holiday.name,
        }
    hours = hours_of(start.date())
    if hours is None:
        return _("The institute does not attend on that day of the week.")
    if start.time() < hours.opens or end.time() > hours.closes:
        return _("Outside office hours: on that day the institute attends from %(opens)s to %(closes)s.") % {
            "opens": hours.opens.strftime("%H:%M"),
            "closes": hours.closes.strftime("%H:%M"),
        }
    return ""
