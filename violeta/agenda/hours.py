"""Office hours and holidays: the one place that decides whether a moment is within the institute's hours."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

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


@dataclass(frozen=True)
class OpeningStatus:
    """Whether the institute is open at a moment, and when that changes (local, aware datetimes)."""

    is_open: bool
    closes_at: datetime | None = None  # when open: today's closing time
    opens_at: datetime | None = None  # when closed: the next opening, None if none within LOOKAHEAD_DAYS
    holiday: Holiday | None = None  # when closed for a holiday today

    def describe(self, moment: datetime) -> str:
        """The status in Spanish for anyone to read: "Abierto ahora, hasta las 15:00", "Cerrado, abre el lunes a las 9:00"."""
        today = timezone.localtime(moment).date()
        if self.is_open:
            return _("Open now, until %(time)s") % {"time": _clock(self.closes_at)}
        if self.opens_at is None:
            return _("Closed")
        opens = timezone.localtime(self.opens_at)
        days = (opens.date() - today).days
        if days == 0:
            when = _("today at %(time)s")
        elif days == 1:
            when = _("tomorrow at %(time)s")
        elif days < 7:
            when = _("on %(weekday)s at %(time)s")
        else:
            when = _("on %(weekday)s %(day)s at %(time)s")
        when = when % {"weekday": WEEKDAYS[opens.weekday()], "day": opens.day, "time": _clock(opens)}
        if self.holiday is not None:
            return _("Closed today (%(holiday)s), opens %(when)s") % {
                "holiday": self.holiday.name,
                "when": when,
            }
        return _("Closed, opens %(when)s") % {"when": when}


LOOKAHEAD_DAYS = 60
# Lower-case weekday names as a sentence says them ("abre el lunes"), Monday first like date.weekday().
WEEKDAYS = (
    pgettext_lazy("opens on", "Monday"),
    pgettext_lazy("opens on", "Tuesday"),
    pgettext_lazy("opens on", "Wednesday"),
    pgettext_lazy("opens on", "Thursday"),
    pgettext_lazy("opens on", "Friday"),
    pgettext_lazy("opens on", "Saturday"),
    pgettext_lazy("opens on", "Sunday"),
)


def _clock(moment: datetime) -> str:
    """9:00, 15:30: the 24-hour clock without a leading zero, as Mexico writes opening times."""
    local = timezone.localtime(moment)
    return f"{local.hour}:{local.minute:02d}"


def opening_status(moment: datetime | None = None) -> OpeningStatus:
    """Open or closed at ``moment`` (now by default), from the office hours and holidays: the one source.

    Open from ``opens`` (included) to ``closes`` (excluded) of a weekday that has hours and is not a holiday.
    Two queries, whatever the moment.
    """
    local = timezone.localtime(moment or timezone.now())
    today = local.date()
    hours = {row.weekday: row for row in OfficeHours.objects.all()}
    holidays = {
        row.date: row
        for row in Holiday.objects.filter(date__gte=today, date__lte=today + timedelta(days=LOOKAHEAD_DAYS))
    }
    tz = local.tzinfo

    def at(day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=tz)

    todays = hours.get(today.weekday())
    holiday = holidays.get(today)
    if todays is not None and holiday is None and todays.opens <= local.time() < todays.closes:
        return OpeningStatus(is_open=True, closes_at=at(today, todays.closes))
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        row = hours.get(day.weekday())
        if row is None or day in holidays:
            continue
        if offset == 0 and local.time() >= row.opens:
            continue  # today's hours are over (or it is a holiday: skipped above)
        return OpeningStatus(is_open=False, opens_at=at(day, row.opens), holiday=holiday)
    return OpeningStatus(is_open=False, holiday=holiday)
