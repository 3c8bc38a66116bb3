"""What referrals put in "Mis pendientes" (``cases.pending``): referrals sent to a partner institution and not
answered within its response time. Registered from ``ReferralsConfig.ready``."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import CASE_ROLES, Role
from violeta.cases import pending
from violeta.cases.selectors import visible_cases
from violeta.referrals.models import AWAITING, Referral


def referrals_overdue(user, *, scope, today, limit=None) -> list[pending.PendingItem]:
    """Sent, unanswered referrals past their answer date: those she sent or of the cases she attends
    (``mine``), or of her area's cases (``area``); the ``limit`` longest overdue (``pending.Items``). One query
    (two for ``mine``), and one count when there may be more."""
    if not (user.is_authenticated and user.role in CASE_ROLES):
        return []
    if scope == pending.MINE and user.role == Role.DIRECTOR:
        return []
    rows = Referral.objects.filter(status__in=AWAITING, due_at__lt=timezone.now())
    if scope == pending.MINE:
        # Her cases' ids first (her team rows: one index range): the referrals are then read through their case and
        # author indexes; as a subquery, PostgreSQL walked every overdue referral of the institute (47,000 at
        # state scale) testing each against her cases. The ids go as one array (``in_ids``: 350 of them as
        # separate parameters cost ~4 ms of Python); the cases rule is applied once, below, to every row.
        hers = pending.my_case_ids(user)
        rows = rows.filter(case__in=visible_cases(user).values("pk")).filter(
            Q(created_by_id=user.pk) | Q(case_id__in_ids=hers)
        )
    else:
        rows = rows.filter(case__in=pending.scope_cases(user, scope).values("pk"))
    rows = rows.select_related("institution", "case").only(
        "id", "folio", "due_at", "institution__short_name", "case__folio", "case__holder_id"
    )
    rows = rows.order_by("due_at", "id")
    listed = list(rows if limit is None else rows[:limit])
    total = len(listed) if limit is None or len(listed) < limit else pending.count_capped(rows)
    items = [
        pending.PendingItem(
            kind="referral",
            kind_label=_("Referral"),
            title=_("Referral %(folio)s to %(institution)s without an answer")
            % {"folio": referral.folio, "institution": referral.institution.short_name},
            due=referral.due_at,
            url=reverse("referrals:detail", args=[referral.folio]),
            folio=referral.case.folio,
            case_id=referral.case_id,
            person_id=referral.case.holder_id,
            weight=2,
        )
        for referral in listed
    ]
    return pending.Items(items, total)


def register() -> None:
    pending.register("referrals.overdue", items=referrals_overdue)
