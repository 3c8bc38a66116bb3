"""Follow-ups for "Mis pendientes": an active case with no consultation in N days is due, N by its risk level.

The rule table (``FollowUpRule``) is data the director edits; a level missing from it takes the defaults below
(the same as the seeding migration), and a level no rule names (another instrument's code) takes the rule of a
case never assessed. A priority case counts as high risk, whatever its last assessment says.

What each case's follow-up goes by (the day of her last contact, her level) is kept in ``FollowUpState``:
``refresh`` rewrites it from the case's consultations, assessments and flags whenever one of them is saved.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from violeta.accounts.models import AREA_ROLES, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases import pending
from violeta.cases.models import ACTIVE_STATUSES, Case, CaseTeamMember, Consultation
from violeta.cases.selectors import visible_among_her_team_cases
from violeta.core.memo import kept_per_process
from violeta.violence.models import FollowUpRule, FollowUpState, RiskAssessment, RiskInstrument

HIGH = "high"
NONE = FollowUpRule.NO_ASSESSMENT
DEFAULT_DAYS = {HIGH: 7, "moderate": 15, "low": 30, NONE: 30}
# Among follow-ups due the same day, the riskier first.
WEIGHTS = {HIGH: 0, "moderate": 2, "low": 4, NONE: 4}
# Who is asked to follow her up: the professionals of the areas (not the front desk) and the director.
FOLLOW_UP_ROLES = AREA_ROLES | {Role.DIRECTOR}
EDIT_ROLES = frozenset({Role.DIRECTOR})
RULES_KEPT_SECONDS = 60


def rule_days() -> dict[str, int]:
    """``{level: days}``: the table, over the defaults (a copy: the caller may change it)."""
    return dict(_rule_days())


@kept_per_process(ttl=RULES_KEPT_SECONDS)
def _rule_days() -> dict[str, int]:
    """Read at most once a minute per process ("Mis pendientes" of every professional asks): a rule changed
    here is seen at once (``violence.apps`` connects ``forget``), one changed in another process within
    RULES_KEPT_SECONDS."""
    days = dict(DEFAULT_DAYS)
    days.update(dict(FollowUpRule.objects.values_list("level", "days")))
    return days


def rules() -> list[FollowUpRule]:
    """The rules for the director's page, the missing defaults included (unsaved) so each level shows."""
    found = {rule.level: rule for rule in FollowUpRule.objects.all()}
    labels = {
        HIGH: gettext_lazy("High risk"),
        "moderate": gettext_lazy("Moderate risk"),
        "low": gettext_lazy("Low risk"),
        NONE: gettext_lazy("No risk assessment"),
    }
    for position, (level, days) in enumerate(DEFAULT_DAYS.items(), start=1):
        if level not in found:
            found[level] = FollowUpRule(level=level, label=str(labels[level]), days=days, position=position)
    return sorted(found.values(), key=lambda r: (r.position, r.level))


@transaction.atomic
def rules_update(*, by, days: dict[str, int]) -> list[FollowUpRule]:
    """Set the days of each level (``{level: days}``); audited. Only the director."""
    if not (by.is_active and by.role in EDIT_ROLES):
        raise PermissionDenied
    changed = []
    for rule in rules():
        new = days.get(rule.level)
        if new is None or (rule.pk and new == rule.days):
            continue
        before = rule.days if rule.pk else None
        rule.days = new
        rule.updated_by = by
        rule.updated_at = timezone.now()
        rule.full_clean()
        rule.save()
        audit_record(
            actor=by,
            action=Action.UPDATE,
            obj=rule,
            detail=f"regla de seguimiento {rule.level}: {before} → {new} días",
        )
        changed.append(rule)
    return changed


# --- what each case's follow-up goes by ----------------------------------------------------------------------

REFRESH_BATCH = 2000


def refresh(case_ids: Iterable[int]) -> int:
    """Rewrite the follow-up state of these cases from their last consultation (else their opening), their last
    assessment and their priority flag; a case that is not active (or no longer exists) has none. Returns how
    many rows were written. Three queries per 2,000 cases."""
    ids = sorted(set(case_ids))
    written = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        states = _states(Case.objects.filter(pk__in=batch, status__in=ACTIVE_STATUSES))
        FollowUpState.objects.filter(case_id__in=batch).exclude(
            case_id__in=[s.case_id for s in states]
        ).delete()
        FollowUpState.objects.bulk_create(
            states, update_conflicts=True, unique_fields=["case"], update_fields=["last_contact_on", "level"]
        )
        written += len(states)
    return written


def rebuild() -> tuple[int, int]:
    """Every case's state recomputed: ``(cases, rows that were missing, wrong or left over)``. For ``manage.py
    followups_rebuild`` after data written around ``save()``, and as a check that nothing was missed."""
    kept = {
        pk: (on, level)
        for pk, on, level in FollowUpState.objects.values_list("pk", "last_contact_on", "level")
    }
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    wrong = []
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        right = {
            s.case_id: (s.last_contact_on, s.level)
            for s in _states(Case.objects.filter(pk__in=batch, status__in=ACTIVE_STATUSES))
        }
        wrong += [pk for pk in batch if kept.get(pk) != right.get(pk)]
    refresh(wrong)
    return len(ids), len(wrong)


def _states(cases) -> list[FollowUpState]:
    latest = RiskAssessment.objects.filter(case=OuterRef("pk")).order_by("-assessed_at", "-id")
    # Her last consultation: one backward probe of ``consultation_case_started`` per case.
    last = Consultation.objects.filter(case=OuterRef("pk")).order_by("-started_at").values("started_at")[:1]
    rows = cases.annotate(
        last_contact=Coalesce(Subquery(last), "opened_at"),
        last_level=Subquery(latest.values("final_level")[:1]),
        alarm=Subquery(latest.values("is_alarm")[:1]),
    ).values_list("pk", "last_contact", "last_level", "alarm", "is_priority")
    zone = timezone.get_current_timezone()
    return [
        FollowUpState(
            case_id=pk,
            last_contact_on=last_contact.astimezone(zone).date(),
            level=HIGH if (is_priority or alarm) else (level or NONE),
        )
        for pk, last_contact, level, alarm, is_priority in rows
    ]


# Kept by signals (``ViolenceConfig.ready``): a save is seen in its own transaction; a deletion once it is
# committed (a consultation deleted with its case would otherwise write the state of a case being deleted).
CASE_FIELDS = frozenset({"status", "is_priority", "opened_at"})


def case_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    """A case opened, closed, reopened, marked a priority or not: its state (none once it is not active)."""
    if created or update_fields is None or CASE_FIELDS & set(update_fields):
        refresh([instance.pk])


def part_saved(sender, instance, **kwargs) -> None:
    """A consultation or an assessment saved."""
    refresh([instance.case_id])


def part_deleted(sender, instance, **kwargs) -> None:
    case_id = instance.case_id
    transaction.on_commit(lambda: refresh([case_id]))


# --- the follow-ups due ------------------------------------------------------------------------------------------


def follow_ups_due(user, *, scope, today, limit=None) -> list[pending.PendingItem]:
    """Active cases in scope whose last contact (``FollowUpState``) is older than their level's days: the
    ``limit`` most urgent (``pending.Items``, with how many in all).

    Her own cases (a few hundred at most): one query for every one due. Her area's (tens of thousands at a
    state's scale): per level an index range of (level, last contact), the oldest first and at most ``limit``,
    and one count when a level had more. Then, in the area view, who attends the ones listed. No consultation
    or assessment is read: the state was kept when they were written."""
    if not (user.is_authenticated and user.role in FOLLOW_UP_ROLES):
        return []
    if scope == pending.MINE and user.role == Role.DIRECTOR:
        return []  # the director attends no case herself: her view is the area's (every case)
    days = rule_days()
    fields = ("pk", "folio", "holder_id", "follow_up_state__level", "follow_up_state__last_contact_on")
    if scope == pending.MINE:
        clauses = _due_clauses(days, today, unnamed=None)
        # Her cases' ids first (her team rows: one index range), then each case's state by its key: as a
        # subquery, PostgreSQL read every state of the institute (54,000 at a state's scale) to join them to her
        # 350 team rows (10 ms). The ids are her team's cases, so the cases rule narrows them without its team
        # probe (``visible_among_her_team_cases``), which would ask each row again what the ids already say.
        hers = pending.my_case_ids(user)
        mine = visible_among_her_team_cases(user, hers).filter(status__in=ACTIVE_STATUSES)
        rows = list(mine.filter(_any(clauses)).values(*fields))
        full = False
    else:
        cases = pending.scope_cases(user, scope).filter(status__in=ACTIVE_STATUSES)
        clauses = _due_clauses(days, today, unnamed=_unnamed_levels(days))
        rows, full = [], False
        for clause in clauses:
            found = cases.filter(clause).order_by("follow_up_state__last_contact_on", "folio").values(*fields)
            found = list(found if limit is None else found[:limit])
            rows += found
            full = full or (limit is not None and len(found) == limit)
    due = []
    for row in rows:
        level = row["follow_up_state__level"]
        level = level if level in days else NONE
        since = row["follow_up_state__last_contact_on"]
        due.append((row, level, since, since + timedelta(days=days[level])))
    # The order of ``PendingItem.sort_key`` (day due, weight, folio): only the items listed are built.
    due, total = pending.most_urgent(due, lambda d: (d[3], WEIGHTS.get(d[1], 4), d[0]["folio"]), limit)
    if full:  # a level had more than were read: count them (up to pending.COUNT_CAP)
        total = pending.count_capped(cases.filter(_any(clauses)))
    owners = _owners(user, scope, [row["pk"] for row, *_ in due])
    # Each wording translated once for the list, not once per line (six lookups a line, 300 for her 50).
    kind_label = _("Follow-up")
    title = _("No consultation for %(days)s days (%(level)s: every %(limit)s days)")
    labels = {level: _level_label(level) for level in {level for _row, level, *_ in due}}
    items = [
        pending.PendingItem(
            kind="follow_up",
            kind_label=kind_label,
            title=title % {"days": (today - since).days, "level": labels[level], "limit": days[level]},
            due=due_on,
            url=pending.case_url(row["folio"]),
            folio=row["folio"],
            case_id=row["pk"],
            person_id=row["holder_id"],
            owner=owners.get(row["pk"], ""),
            weight=WEIGHTS.get(level, 4),
            extra={"level": level, "since": since},
        )
        for row, level, since, due_on in due
    ]
    return pending.Items(items, total)


def _due_clauses(days: dict[str, int], today, *, unnamed: list[str] | None) -> list[Q]:
    """The filters of the cases due on ``today`` under each rule: last contact ``days`` or more ago.

    A level no rule names (another instrument's code) goes by the rule of a case never assessed. ``unnamed``
    lists those levels, and each gets a filter of its own, so that every filter is one range of the index (read
    in order, oldest first); with ``None``, one filter takes any level not named."""
    named = [level for level in days if level != NONE]
    levels = [(level, [level]) for level in named]
    levels += [(NONE, None)] if unnamed is None else [(NONE, [code]) for code in [NONE, *unnamed]]
    return [
        (Q(follow_up_state__level=codes[0]) if codes else ~Q(follow_up_state__level__in=named))
        & Q(follow_up_state__last_contact_on__lte=today - timedelta(days=days[rule]))
        for rule, codes in levels
    ]


def _unnamed_levels(days: dict[str, int]) -> list[str]:
    """The instruments' level codes no rule names (one query): a case's level is always one of them."""
    codes = {
        level["code"]
        for levels in RiskInstrument.objects.values_list("levels", flat=True)
        for level in levels
    }
    return sorted(codes - set(days))


def _any(clauses) -> Q:
    found = Q(pk__in=[])
    for clause in clauses:
        found |= clause
    return found


def _level_label(level: str) -> str:
    return {
        HIGH: _("high risk"),
        "moderate": _("moderate risk"),
        "low": _("low risk"),
    }.get(level, _("no risk assessment"))


def _owners(user, scope, case_ids: list[int]) -> dict[int, str]:
    """In the area view, who of her area attends each case (one query); nothing in her own view."""
    if scope != pending.AREA or not case_ids:
        return {}
    members = CaseTeamMember.objects.filter(case_id__in=case_ids).select_related("user").order_by("added_at")
    if user.role == Role.COORDINATOR:
        members = members.filter(area_id=user.area_id)
    else:
        members = members.filter(area__isnull=False)
    names: dict[int, list[str]] = {}
    for member in members:
        names.setdefault(member.case_id, []).append(member.user.get_full_name() or member.user.email)
    return {pk: ", ".join(found) for pk, found in names.items()}
