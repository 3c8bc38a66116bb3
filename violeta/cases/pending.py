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
- ``limit`` (``None``: every item) bounds the work: a source that may have thousands (a coordinator's area at a
  state's scale: 15,000 follow-ups) returns only its ``limit`` most urgent (by ``PendingItem.sort_key``) as an
  ``Items`` whose ``total`` says how many it has in all, and builds no item (URL, title) it does not return.
- An item carries no personal detail beyond the folio: the list is seen over a shoulder at the desk. Her
  flags (``people.flags``) are added by the page, not by the sources.

Registering a name again replaces it. With nothing registered the list is empty.
"""

from collections.abc import Callable
from contextvars import ContextVar
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


class Items(list):
    """Items, the first ``limit`` of them when there were more: ``total`` is how many there are in all."""

    def __init__(self, items=(), total: int | None = None):
        super().__init__(items)
        self.total = len(self) if total is None else total


def most_urgent(rows, key, limit: int | None) -> tuple[list, int]:
    """``rows`` sorted by ``key`` (urgency), the first ``limit`` of them (all with ``None``), and their number."""
    ordered = sorted(rows, key=key)
    return (ordered if limit is None else ordered[:limit]), len(ordered)


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


def pending_items(user, *, scope: str = MINE, today: date | None = None, limit: int | None = None) -> Items:
    """Every source's items for ``user`` in ``scope``, the most urgent first: overdue (the oldest first), then
    by the day due, then by weight; only the first ``limit`` if given (``total``: how many in all)."""
    if scope not in SCOPES:
        raise ValueError(scope)
    today = today or timezone.localdate()
    items: list[PendingItem] = []
    total = 0
    memo = _case_ids.set({})
    try:
        for source in _SOURCES.values():
            found = source.items(user, scope=scope, today=today, limit=limit)
            items.extend(found)
            total += getattr(found, "total", len(found))
    finally:
        _case_ids.reset(memo)
    items, _ = most_urgent(items, PendingItem.sort_key, limit)
    return Items(items, total)


# --- Helpers the sources share -------------------------------------------------------------------------------


def may_see_area(user) -> bool:
    """Whether the user has an area view: a coordinator (of her area's cases) or the director (of every case)."""
    from violeta.accounts.models import Role

    if not (user.is_authenticated and user.is_active):
        return False
    return user.role == Role.DIRECTOR or (user.role == Role.COORDINATOR and bool(user.area_id))


def scope_cases(user, scope: str):
    """The cases a source looks at: ``mine``, those she is on the team of; ``area``, those her area attends (a
    coordinator) or every case (the director). Always narrowed to the cases she may see."""
    from django.db.models import Exists, OuterRef

    from violeta.accounts.models import Role
    from violeta.cases.models import Case, CaseTeamMember
    from violeta.cases.selectors import visible_cases

    cases = visible_cases(user)
    if scope == MINE:
        return cases.filter(Exists(CaseTeamMember.objects.filter(case=OuterRef("pk"), user_id=user.pk)))
    if not may_see_area(user):
        return Case.objects.none()
    if user.role == Role.DIRECTOR:
        return cases
    return cases.filter(Exists(CaseTeamMember.objects.filter(case=OuterRef("pk"), area_id=user.area_id)))


# Her cases' ids, read once for all the sources while ``pending_items`` asks them: {user id: ids}.
_case_ids: ContextVar[dict[int, list[int]] | None] = ContextVar("pending_case_ids", default=None)


def my_case_ids(user) -> list[int]:
    """The ids of the cases she is on the team of (one index range of her team rows), for a source to pass as
    one array (``in_ids``) where a subquery would have PostgreSQL scan a whole table to join it. Still to be
    narrowed by the cases rule (``cases.selectors.visible_among_her_team_cases``, or ``scope_cases``). Read once
    per list, however many sources ask."""
    from violeta.cases.models import CaseTeamMember

    kept = _case_ids.get()
    if kept is not None and user.pk in kept:
        return kept[user.pk]
    ids = list(CaseTeamMember.objects.filter(user_id=user.pk).values_list("case_id", flat=True))
    if kept is not None:
        kept[user.pk] = ids
    return ids


# Each case's page URL while a list is built: {folio: url}.
_case_urls: ContextVar[dict[str, str] | None] = ContextVar("pending_case_urls", default=None)


def case_url(folio: str) -> str:
    """The case page's URL, reversed once per case while "Mis pendientes" is built: a follow-up links to the
    case, and its line links to the case again (``reverse`` costs ~15 µs: 50 lines, 0.75 ms)."""
    from django.urls import reverse

    kept = _case_urls.get()
    if kept is None:
        return reverse("cases:detail", args=[folio])
    if folio not in kept:
        kept[folio] = reverse("cases:detail", args=[folio])
    return kept[folio]


def count_for(user, *, today: date | None = None) -> int:
    """How many things are due for her (her own scope), for the badge in the navigation: cached a minute."""
    from django.core.cache import cache

    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return 0
    key = f"cases.pending.count:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = pending_items(user, scope=MINE, today=today, limit=1).total
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


COUNT_CACHE_SECONDS = 60


@dataclass(frozen=True)
class PendingRow:
    item: PendingItem
    flags: list
    overdue_days: int  # > 0: days overdue; 0: due today; < 0: days until due
    flags_html: str = ""  # her flags, rendered once per person for the whole page (``people.flags.html_for``)
    # What the row shows, worded here once per row: as template tags, the translations, the date and the link of
    # 50 rows made the page's template 8.6 ms (3.8 without them; 1.5 ms here).
    when: str = ""  # "vencido hace 3 días", "Hoy", "en 2 días"
    when_level: str = "secondary"  # the badge's colour: danger (overdue), warning (today), secondary
    due_label: str = ""  # the day due, short
    case_url: str = ""

    @property
    def due_in_days(self) -> int:
        return -self.overdue_days


def _row(item: PendingItem, flags: list, overdue_days: int, flags_html: str) -> PendingRow:
    from django.utils.formats import date_format
    from django.utils.translation import gettext, ngettext

    if overdue_days > 0:
        when = ngettext("%(counter)s day overdue", "%(counter)s days overdue", overdue_days)
        when, level = when % {"counter": overdue_days}, "danger"
    elif overdue_days == 0:
        when, level = gettext("Today"), "warning"
    else:
        when = ngettext("in %(counter)s day", "in %(counter)s days", -overdue_days) % {
            "counter": -overdue_days
        }
        level = "secondary"
    return PendingRow(
        item,
        flags,
        overdue_days,
        flags_html,
        when=when,
        when_level=level,
        due_label=date_format(item.due_date, "SHORT_DATE_FORMAT"),
        case_url=case_url(item.folio) if item.folio else "",
    )


# "Mis pendientes" shows the most urgent this many (and how many there are in all), and "Ver más" the next as many:
# a coordinator's area at a state's scale has 15,000 follow-ups due, which no one reads down a page and which took
# seconds to build; a professional's 200 lines cost ~100 ms of Python to render.
PAGE_LIMIT = 50
# "Ver más" goes this many pages deep at most (each page builds every item before it).
MAX_PAGES = 20
# How far a source counts what it does not list: as deep as "Ver más" goes. Past it the page says "more than
# 1,000 things are due". A coordinator's area holds 15,000 follow-ups due at a state's scale, and counting them
# all took 0.3 s of the page's 0.5 (the overdue referrals' count 0.1 s more).
COUNT_CAP = MAX_PAGES * PAGE_LIMIT


def count_capped(rows) -> int:
    """How many rows there are, counted up to ``COUNT_CAP + 1`` (one more than the cap means "more than it"):
    the count stops there, in whatever order the database finds them."""
    return rows.order_by().values("pk")[: COUNT_CAP + 1].count()


def pending_page(
    user, *, scope: str = MINE, today: date | None = None, limit: int | None = None, offset: int = 0
) -> Items:
    """ "Mis pendientes" as the page shows it: the ``limit`` most urgent items after the first ``offset``
    (``total``: how many in all), with her flags beside them (``people.flags``: one round of queries for all the
    lines, rendered once per person). Audited: one VIEW line per case listed."""
    today = today or timezone.localdate()
    urls = _case_urls.set({})
    try:
        return _page(user, scope=scope, today=today, limit=limit, offset=offset)
    finally:
        _case_urls.reset(urls)


def _page(user, *, scope: str, today: date, limit: int | None, offset: int) -> Items:
    from violeta.audit.models import Action
    from violeta.audit.services import audit_many
    from violeta.cases.models import Case
    from violeta.people import flags

    everything = pending_items(
        user, scope=scope, today=today, limit=None if limit is None else offset + limit
    )
    items = everything[offset:]
    found = flags.flags_for(user, [i.person_id for i in items if i.person_id])
    rendered = flags.html_for(found)
    case_ids = list(dict.fromkeys(i.case_id for i in items if i.case_id))
    audit_many(
        actor=user,
        action=Action.VIEW,
        objects=[Case(pk=pk) for pk in case_ids],
        detail="mis pendientes",
        case_of=lambda case: case.pk,
    )
    return Items(
        [
            _row(
                item,
                found.get(item.person_id, []),
                (today - item.due_date).days,
                rendered.get(item.person_id, ""),
            )
            for item in items
        ],
        everything.total,
    )
