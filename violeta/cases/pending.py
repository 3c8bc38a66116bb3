"""What is due, for "Mis pendientes": one list per staff member (and, for a coordinator, across her area) of
everything that waits on her, ordered by urgency. A registry the cases app owns.

Follow-ups, hearings, protection orders, referrals and approvals belong to apps at several layers; most sit
above cases, which never imports them. Each registers its source here from its ``AppConfig.ready``::

    pending.register("legal.hearings", items=hearings_due)

``items(user, *, scope, today) -> list[PendingItem]``:

- ``scope`` is ``"mine"`` (what is hers: her cases, her hearings, approvals waiting on her) or ``"area"`` (a
  coordinator's view of the cases of her areas; the director's of every case). A source that has nothing for a
  scope returns ``[]``.
- A source applies the access rules (only cases ``user`` may see: ``cases.selectors.case_visible_q``) and
  runs a **bounded number of queries however many cases there are** (tested with 500 cases): no query per
  case, per hearing or per item.
- An item carries no personal detail beyond the folio: the list is seen over a shoulder at the desk. Her
  flags (``people.flags``) are added by the page, not by the sources.

Registering a name again replaces it. With nothing registered the list is empty.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

MINE = "mine"
AREA = "area"
SCOPES = (MINE, AREA)


@dataclass(frozen=True)
class PendingItem:
    """One thing due. ``due`` is the day (or moment) it is due; an item due before today is overdue."""

    kind: str  # the source's short code: "follow_up", "plan_service", "approval", "hearing"...
    kind_label: str  # what kind of thing it is, for the person reading ("Seguimiento", "Audiencia")
    title: str  # what is due, without her name or any detail of her story
    due: date | datetime
    url: str = ""
    folio: str = ""
    case_id: int | None = None
    person_id: int | None = None  # the holder, so the page can put her flags beside the line
    owner: str = ""  # whose it is, in the area view ("Lic. Ana Pérez")
    # Sorts items due the same day: 0 is the most urgent (a high-risk follow-up), larger is less.
    weight: int = 5
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def due_date(self) -> date:
        if isinstance(self.due, datetime):
            return timezone.localtime(self.due).date() if timezone.is_aware(self.due) else self.due.date()
        return self.due

    def is_overdue(self, today: date | None = None) -> bool:
        return self.due_date < (today or timezone.localdate())

    def sort_key(self):
        due = self.due if isinstance(self.due, datetime) else None
        return (self.due_date, self.weight, due.timestamp() if due else 0.0, self.folio, self.title)


@dataclass(frozen=True)
class Source:
    name: str
    items: Callable[..., list[PendingItem]]


_SOURCES: dict[str, Source] = {}


def register(name: str, *, items: Callable[..., list[PendingItem]]) -> None:
    """Add (or replace) a source of due work."""
    _SOURCES[name] = Source(name=name, items=items)


def registered() -> list[str]:
    return list(_SOURCES)


def pending_items(user, *, scope: str = MINE, today: date | None = None) -> list[PendingItem]:
    """Every source's items for ``user`` in ``scope``, the most urgent first: overdue (the oldest first), then
    by the day due, then by weight."""
    if scope not in SCOPES:
        raise ValueError(scope)
    today = today or timezone.localdate()
    items: list[PendingItem] = []
    for source in _SOURCES.values():
        items.extend(source.items(user, scope=scope, today=today))
    return sorted(items, key=PendingItem.sort_key)
