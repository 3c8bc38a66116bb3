"""Agenda data for tests, made through the services (office hours, no double booking, audit, timeline)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from violeta.agenda.models import CallAction, Holiday, PhoneLine
from violeta.agenda.services import appointment_book, phone_call_log


def next_workday(after: date | None = None, *, days: int = 1) -> date:
    """The first working day (Monday to Friday, not a holiday) at least ``days`` after ``after`` (today)."""
    day = (after or timezone.localdate()) + timedelta(days=days)
    holidays = set(Holiday.objects.values_list("date", flat=True))
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def book(*, by, staff, day: date | None = None, hour: int = 10, minutes: int = 60, **extra):
    day = day or next_workday(days=7)
    start = at(day, hour)
    extra.setdefault("modality", "in_person")
    if "case" not in extra and "person" not in extra:
        extra.setdefault("contact_name", "Ana")
    return appointment_book(
        by=by, staff=staff, starts_at=start, ends_at=start + timedelta(minutes=minutes), **extra
    )


def log_call(*, by, line: str = "violencia", when: datetime | None = None, **extra):
    extra.setdefault("reason", "Pregunta por asesoría para divorcio")
    extra.setdefault("action", CallAction.ORIENTATION)
    return phone_call_log(by=by, line=PhoneLine.objects.get(code=line), at=when, **extra)


def agenda_world(*, case, staff, by):
    """An appointment of ``staff`` on ``case`` booked by ``by``, and a call ``by`` took."""
    appointment = book(by=by, staff=staff, case=case)
    call = log_call(by=by, caller_name="Lucía")
    return appointment, call
