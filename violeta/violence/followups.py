"""Follow-ups for "Mis pendientes": an active case with no consultation in N days is due, N by its risk level.

The rule table (``FollowUpRule``) is data the director edits; a level missing from it takes the defaults below
(the same as the seeding migration), and a level no rule names (another instrument's code) takes the rule of a
case never assessed. A priority case counts as high risk, whatever its last assessment says.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from violeta.accounts.models import AREA_ROLES, Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases import pending
from violeta.cases.models import ACTIVE_STATUSES, CaseTeamMember, Consultation
from violeta.violence.models import FollowUpRule, RiskAssessment

HIGH = "high"
NONE = FollowUpRule.NO_ASSESSMENT
DEFAULT_DAYS = {HIGH: 7, "moderate": 15, "low": 30, NONE: 30}
# Among follow-ups due the same day, the riskier first.
WEIGHTS = {HIGH: 0, "moderate": 2, "low": 4, NONE: 4}
# Who is asked to follow her up: the professionals of the areas (not the front desk) and the director.
FOLLOW_UP_ROLES = AREA_ROLES | {Role.DIRECTOR}
EDIT_ROLES = frozenset({Role.DIRECTOR})


def rule_days() -> dict[str, int]:
    """``{level: days}``: the table, over the defaults (one query)."""
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


def follow_ups_due(user, *, scope, today, limit=None) -> list[pending.PendingItem]:
    """Active cases in scope whose last consultation (or opening, if none) is older than their level's days:
    the ``limit`` most urgent (``pending.Items``, with how many in all).

    Three queries however many cases: the rules, the cases (last consultation and last assessment as
    subqueries), and in the area view who attends the ones listed."""
    if not (user.is_authenticated and user.role in FOLLOW_UP_ROLES):
        return []
    if scope == pending.MINE and user.role == Role.DIRECTOR:
        return []  # the director attends no case herself: her view is the area's (every case)
    days = rule_days()
    latest = RiskAssessment.objects.filter(case=OuterRef("pk")).order_by("-assessed_at", "-id")
    # Her last consultation: one backward probe of ``consultation_case_started`` per case (a join and GROUP BY
    # read every consultation of the area's cases: seconds for a coordinator at state scale).
    last = Consultation.objects.filter(case=OuterRef("pk")).order_by("-started_at").values("started_at")[:1]
    rows = (
        pending.scope_cases(user, scope)
        .filter(status__in=ACTIVE_STATUSES)
        .annotate(
            last_contact=Coalesce(Subquery(last), "opened_at"),
            level=Subquery(latest.values("final_level")[:1]),
            alarm=Subquery(latest.values("is_alarm")[:1]),
        )
        # None is due before its level's days have passed since her last contact, the shortest level's at least:
        # the cases attended since are not read out (most of an area's, at a state's scale).
        .filter(last_contact__lt=_midnight(today - timedelta(days=min(days.values()) - 1)))
        .values("pk", "folio", "holder_id", "is_priority", "last_contact", "level", "alarm")
    )
    due = []
    zone = timezone.get_current_timezone()  # once, not per row: a professional has ~300 rows at state scale
    for row in rows:
        level = row["level"] if row["level"] in days else NONE
        if row["is_priority"] or row["alarm"]:
            level = HIGH
        since = row["last_contact"].astimezone(zone).date()
        due_on = since + timedelta(days=days[level])
        if due_on <= today:
            due.append((row, level, since, due_on))
    # The order of ``PendingItem.sort_key`` (day due, weight, folio): only the items listed are built.
    due, total = pending.most_urgent(due, lambda d: (d[3], WEIGHTS.get(d[1], 4), d[0]["folio"]), limit)
    owners = _owners(user, scope, [row["pk"] for row, *_ in due])
    items = [
        pending.PendingItem(
            kind="follow_up",
            kind_label=_("Follow-up"),
            title=_("No consultation for %(days)s days (%(level)s: every %(limit)s days)")
            % {"days": (today - since).days, "level": _level_label(level), "limit": days[level]},
            due=due_on,
            url=reverse("cases:detail", args=[row["folio"]]),
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


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


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
