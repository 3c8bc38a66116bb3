"""Reads of case files. ``access_case`` is the one way in: it checks, 404s and audits."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.utils import timezone

from violeta.accounts.models import AREA_ROLES, CASE_ROLES, Role, User
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases import permissions, timeline
from violeta.cases.keyset import KeysetPage, keyset_page
from violeta.cases.models import (
    AreaNote,
    Case,
    CaseAccessGrant,
    CaseEvent,
    CaseParty,
    CaseTeamMember,
    Consultation,
    InternalProtocolDesignation,
)

# How long the rule built for a user object is reused: a page asks ``visible_cases`` ~10 times (its sections, the
# flags, the menu's counts), ~2.5 ms of Python each to build; the request's user lives for one request.
_RULE_REUSE = timedelta(seconds=1)

# The case page shows her latest consultations, however many the case has: a case attended weekly for two years
# has a hundred, and the page would grow with each. The others are a link away (``case_consultations``).
CONSULTATIONS_SHOWN = 10


def visible_cases(user) -> QuerySet[Case]:
    """The cases a user may see: on the team, coordinating an area of the team, the director, or break glass;
    internal-protocol cases only for the staff designated for the protocol (and the director).

    Partner-agency liaisons, merchants, trainers, the card office, alert monitors and the system administrator
    see no case by default.

    Built once per user object (the request's) while its role, area and state are the same, for at most
    ``_RULE_REUSE`` (the break-glass grants' expiry is compared with the time it was built); each call returns a
    fresh queryset. The team subqueries run in the database at each use: a team change made since is seen.

    The two exceptions — a break-glass grant in force, a designation for the internal protocol — are asked once
    when the rule is built (one query) and only the clauses she has are put in the rule: most staff have
    neither, and each clause cost every query that carries the rule (~10 per page) ~0.4 ms to compile and an
    InitPlan to run. A grant or designation saved or deleted in this process is seen at once (``_exceptions_generation``
    is part of the memo's key); one saved by another process, within ``_RULE_REUSE``.
    """
    return _rules(user)[0].all()


def visible_among_her_team_cases(user, team_case_ids) -> QuerySet[Case]:
    """``visible_cases(user)`` among ``team_case_ids``, which must be the cases of her own team rows, read in this
    request (``cases.pending.my_case_ids``), never ids from anywhere else.

    Each of those cases passes the rule's team probe, so the probe is left out: on her "Mis pendientes" it was
    300 index probes of her follow-ups' statement (1.0-1.6 ms of its 5, docs/performance.md, "A twelfth
    machine"). Every other clause of the rule stays: a blocked holder's case is the director's only, and an
    internal-protocol case is for its designated staff only, whoever is on its team."""
    return _rules(user)[2].filter(pk__in_ids=list(team_case_ids))


def _rules(user) -> tuple[QuerySet[Case], bool | None, QuerySet[Case]]:
    """The rule (memoised on the user object, see ``visible_cases``), whether she held a grant, and the rule for
    cases she is known to be on the team of."""
    now = timezone.now()
    key = (user.pk, getattr(user, "role", None), getattr(user, "area_id", None), user.is_authenticated)
    key += (getattr(user, "is_active", False), _exceptions_generation)
    memo = user.__dict__.get("_memo_visible_cases")
    if memo and memo[0] == key and timedelta(0) <= now - memo[1] <= _RULE_REUSE:
        return memo[2], memo[3], memo[4]
    cases, has_grant, on_her_team = _visible_cases(user, now)
    if getattr(user, "pk", None) is not None:
        user.__dict__["_memo_visible_cases"] = (key, now, cases, has_grant, on_her_team)
    return cases, has_grant, on_her_team


def _visible_cases(user, now) -> tuple[QuerySet[Case], bool | None, QuerySet[Case]]:
    """The rule; whether she held a break-glass grant in force when it was built (None: not asked); and the rule
    for the cases of her own team (the team probe left out, every other clause kept)."""
    if not (user.is_authenticated and user.is_active and user.role in CASE_ROLES):
        return Case.objects.none(), None, Case.objects.none()
    if user.role == Role.DIRECTOR:
        return Case.objects.all(), None, Case.objects.all()
    on_team = Q(user=user)
    if user.role == Role.COORDINATOR and user.area_id:
        on_team |= Q(area_id=user.area_id)
    grants = CaseAccessGrant.objects.filter(user=user, expires_at__gt=now)
    has_grant, designated = (
        User.objects.filter(pk=user.pk)
        .annotate(
            g=Exists(grants),
            d=Exists(InternalProtocolDesignation.objects.filter(user_id=user.pk)),
        )
        .values_list("g", "d")
        .first()
    ) or (False, False)
    # One probe of the team's index per case read (``case_id <= id`` is true; being no equality, it keeps
    # PostgreSQL from hashing every team row of the area — 150,000 at state scale — before a list's first row:
    # lists read the cases in their order and stop at 25; docs/performance.md, "Staff pages").
    rule = Q(Exists(CaseTeamMember.objects.filter(on_team, case=OuterRef("pk"), case_id__lte=OuterRef("pk"))))
    if has_grant:
        rule |= Q(Exists(grants.filter(case=OuterRef("pk"))))
    # Internal-protocol cases: the designated staff see them all; nobody else does, whatever her other rights.
    if designated:
        rule |= Q(is_internal_protocol=True)
    # The case of a blocked holder (ARCO cancellation) is seen by the director only.
    cases = Case.objects.filter(rule, holder__blocked_at__isnull=True)
    on_her_team = Case.objects.filter(holder__blocked_at__isnull=True)
    if designated:
        return cases, has_grant, on_her_team
    return cases.filter(is_internal_protocol=False), has_grant, on_her_team.filter(is_internal_protocol=False)


# Bumped when a break-glass grant or a protocol designation is saved or deleted in this process: the rules built
# before it are not reused (``visible_cases``).
_exceptions_generation = 0


def _exceptions_changed(**kwargs) -> None:
    global _exceptions_generation  # a process-wide counter; only ever increases
    _exceptions_generation += 1


def connect_exception_signals() -> None:
    """Bump the generation whenever a grant or a designation is saved or deleted (``CasesConfig.ready``)."""
    for model in (CaseAccessGrant, InternalProtocolDesignation):
        for signal in (post_save, post_delete):
            signal.connect(_exceptions_changed, sender=model, dispatch_uid=f"visible_cases:{model.__name__}")


def can_view_case(user, case: Case | int | None) -> bool:
    """Whether the user may see this case (a Case or its id): the one predicate every app asks."""
    if case is None:
        return False
    if isinstance(case, Case) and getattr(case, "_seen_by", None) == getattr(user, "pk", False):
        return True  # ``access_case`` found it among this user's cases in this request: no second query
    pk = case if isinstance(case, int) else case.pk
    return visible_cases(user).filter(pk=pk).exists()


# The same predicate under the name the other apps' docstrings use.
case_visible_to = can_view_case


def case_visible_q(user, field: str = "case") -> Q:
    """A filter for any model that points at a case through ``field`` (``"case"``, ``"matter__case"``): its rows
    about no case, or about a case the user may see. Every read of such a model narrows by it."""
    # EXISTS of the row's own case, probed per row (``pk <= case`` is true; being no equality, it keeps PostgreSQL
    # from hashing first every case she may see — as ``case IN (visible cases)`` did: 300,000 cases tested for
    # her week's 39 appointments, 1.8 s at a state's scale; docs/performance.md, "Staff pages").
    own = visible_cases(user).filter(pk=OuterRef(field), pk__lte=OuterRef(field))
    return Q(**{f"{field}__isnull": True}) | Q(Exists(own))


def can_read_area_notes(user, area_id: int) -> bool:
    """Notes of an area are readable by that area's staff (and its coordinator) only."""
    return bool(user.role in AREA_ROLES and user.area_id == area_id)


def access_case(user, folio: str, *, detail: str = "expediente", for_update: bool = False) -> Case:
    """The case with this folio if the user may see it; otherwise 404 and an audited, flagged refusal."""
    case = visible_cases(user).filter(folio=folio).select_related("holder", "holder__neighborhood").first()
    if case is None:
        existing = Case.objects.filter(folio=folio).values_list("pk", flat=True).first()
        audit_denied(actor=user, object_type="cases.case", object_id=folio, case_id=existing)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=case, case_id=case.pk, detail=detail)
    case._seen_by = user.pk  # what ``can_view_case`` would ask again for the sections of her page
    return case


def case_by_folio(folio: str) -> Case | None:
    """The case with this folio, with its id and folio only: to ask its team something (link an alert to it)
    on behalf of someone who may not see it. Never to show: what is shown goes through ``access_case``."""
    return Case.objects.filter(folio=folio).only("id", "folio").first()


def is_break_glass(user, case: Case) -> bool:
    """Whether she sees the case by a break-glass grant in force (the case page says so). No query when the rule
    built for this request found she holds no grant at all (``visible_cases``), as most staff never do."""
    visible_cases(user)
    memo = user.__dict__.get("_memo_visible_cases")
    if memo is not None and memo[3] is False:
        return False
    return CaseAccessGrant.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).exists()


@dataclass
class CasePage:
    case: Case
    parties: list[CaseParty]
    team: list[CaseTeamMember]
    consultations: list[Consultation]  # the latest CONSULTATIONS_SHOWN, the newest first
    notes: list[AreaNote]
    events: list[CaseEvent]
    readable_area_ids: set[int]
    consultations_total: int = 0  # how many the case has in all

    @property
    def consultations_older(self) -> int:
        """How many consultations the page does not show (the oldest)."""
        return self.consultations_total - len(self.consultations)


def _consultations(case: Case):
    return case.consultations.select_related("area", "attended_by").order_by("-started_at", "-id")


def case_page(user, case: Case, *, events_limit: int = 100) -> CasePage:
    """Everything the case page shows, in a fixed number of queries and rows whatever the case's size: its
    latest consultations (how many in all), the latest lines of its history."""
    parties = list(case.parties.select_related("person").order_by("added_at"))
    team = list(case.team_members.select_related("user", "area").order_by("added_at"))
    permissions.know_team(case, team)  # the panels' "is she on the team?" answered from these rows
    # The latest ones and, on each row, how many there are in all (a window count: the same query).
    consultations = list(_consultations(case).annotate(total=Window(Count("id")))[:CONSULTATIONS_SHOWN])
    readable = {user.area_id} if user.role in AREA_ROLES and user.area_id else set()
    notes = list(
        AreaNote.objects.filter(case=case, area_id__in=readable).select_related(
            "author", "area", "consultation"
        )
    )
    # Each history line only for those who may read the section it comes from (violence, legal, psychology).
    events = list(
        case.events.exclude(kind__in=timeline.hidden_kinds(user, case))
        .select_related("actor", "area")
        .order_by("-at", "-id")[:events_limit]
    )
    total = consultations[0].total if consultations else 0
    return CasePage(case, parties, team, consultations, notes, events, readable, total)


def case_consultations(case: Case, *, offset: int = 0) -> list[Consultation]:
    """Every consultation of a case from the ``offset``-th (the newest first), for the page that lists them all:
    ``case`` comes from ``access_case``, which checked and audited the read."""
    return list(_consultations(case)[max(offset, 0) :])


LIST_ORDER = ("is_priority", "opened_at", "id")  # descending; the index ``case_list_order`` serves it


def cases_for_user(user, *, scope: str = "mine", status: str = "", query: str = "") -> QuerySet[Case]:
    """ "Mis expedientes": the user's team cases; coordinators and the director may widen to all they can see.
    Priority first, then the newest (``LIST_ORDER``, descending).

    Not audited: a page shows it through ``case_list_page``, which audits the cases it returns."""
    qs = visible_cases(user)
    if scope == "mine":
        qs = qs.filter(pk__in=CaseTeamMember.objects.filter(user=user).values("case_id"))
    if status == "active":
        qs = qs.exclude(status="closed")
    elif status == "priority":
        qs = qs.exclude(status="closed").filter(is_priority=True)
    elif status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(folio__icontains=query.strip()))
    return qs.select_related("holder").order_by(*(f"-{f}" for f in LIST_ORDER))


def case_list_page(
    user,
    *,
    scope: str = "mine",
    status: str = "",
    query: str = "",
    cursor: str | None = None,
    per_page: int = 25,
) -> KeysetPage:
    """One page of "Mis expedientes" (``cases_for_user``) at ``cursor`` (``keyset``: page 100 costs what page 1
    does, nothing is counted), audited: one VIEW line per case on the page. Each case carries
    ``n_consultations``, counted for the page's cases only."""
    rows = cases_for_user(user, scope=scope, status=status, query=query)
    page = keyset_page(rows, fields=LIST_ORDER, kinds=(bool, datetime, int), cursor=cursor, per_page=per_page)
    counts = dict(
        Consultation.objects.filter(case_id__in=[case.pk for case in page.object_list])
        .order_by()
        .values_list("case_id")
        .annotate(n=Count("id"))
    )
    for case in page.object_list:
        case.n_consultations = counts.get(case.pk, 0)
    audit_many(
        actor=user, action=Action.VIEW, objects=page.object_list, detail="listado", case_of=lambda c: c.pk
    )
    return page


def designated_staff():
    """Staff designated for the internal protocol (names only; for the director's page)."""
    return User.objects.filter(internal_protocol_designation__isnull=False).select_related("area")
