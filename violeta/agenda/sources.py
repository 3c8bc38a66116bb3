"""Busy time that other apps put in the agenda: what the day and week views show next to appointments, and what
booking must not fall on. A registry the agenda owns.

The agenda owns appointments; other apps own other busy time (legal: a lawyer's hearings, deadlines and
appointments before an authority). Those apps sit above the agenda, which never imports them: each registers
its source here from its ``AppConfig.ready``::

    sources.register("legal.hearings", entries=hearings_for_agenda, clash=hearing_clash)

- ``entries(user, *, staff_ids, area, start, end) -> list[BusyBlock]``: the blocks starting in [start, end) of
  the staff shown (``staff_ids``, else everyone in ``area``, else everyone when both are None). The source
  applies its own access rules (what this viewer may see of each block: a link and a folio, or only "busy")
  and audits what it shows.
- ``clash(staff, starts_at, ends_at) -> Clash | None``: the first thing of the source that keeps ``staff``
  busy in [starts_at, ends_at); booking and rescheduling refuse the time with ``Clash.message``, which carries
  no case data (whoever books, often reception, reads it).

Registering a name again replaces it. With nothing registered the agenda shows and checks appointments only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class BusyBlock:
    """A stretch of a staff member's day taken by something other than an appointment."""

    staff_id: int
    starts_at: datetime
    ends_at: datetime
    kind: str
    label: str
    folio: str = ""
    place: str = ""
    url: str = ""  # only for a viewer who may read what keeps her busy
    staff_name: str = ""
    # A deadline is a moment, not a stretch: shown at its time, it takes her out of nowhere.
    is_deadline: bool = False

    # Lets a template tell it from an appointment in the same list.
    is_busy = True


@dataclass(frozen=True)
class Clash:
    """Why ``staff`` cannot be booked then: the time taken and a message for whoever books (no case data)."""

    starts_at: datetime
    ends_at: datetime
    message: str
    code: str


@dataclass(frozen=True)
class Source:
    name: str
    entries: Callable[..., list[BusyBlock]] | None = None
    clash: Callable[..., Clash | None] | None = None


_SOURCES: dict[str, Source] = {}


def register(name: str, *, entries=None, clash=None) -> None:
    """Add (or replace) a source of busy time; either callable may be left out."""
    _SOURCES[name] = Source(name=name, entries=entries, clash=clash)


def busy_blocks(user, *, staff_ids=None, area=None, start: datetime, end: datetime) -> list[BusyBlock]:
    """Every registered source's blocks for this viewer, in registration order (the views sort by time)."""
    blocks: list[BusyBlock] = []
    for source in _SOURCES.values():
        if source.entries is not None:
            blocks.extend(source.entries(user, staff_ids=staff_ids, area=area, start=start, end=end))
    return blocks


def first_clash(staff, starts_at: datetime, ends_at: datetime) -> Clash | None:
    """The first registered source's clash for ``staff`` in [starts_at, ends_at), if any."""
    for source in _SOURCES.values():
        if source.clash is not None:
            clash = source.clash(staff, starts_at, ends_at)
            if clash is not None:
                return clash
    return None
