"""What the violence section puts in "Mis pendientes" (``cases.pending``) and beside her name
(``people.flags``). Registered from ``ViolenceConfig.ready``."""

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.cases import pending
from violeta.cases.flags import CaseFacts, register_facts
from violeta.cases.models import ACTIVE_STATUSES
from violeta.people import flags
from violeta.violence.models import ProtectionOrder, RiskAssessment
from violeta.violence.permissions import ORDER_ROLES
from violeta.violence.selectors import EXPIRING_ROLES

# An order in force is listed this many days before it ends; one still recorded as granted after its end is
# listed (overdue: confirm it ended or record the extension) for this many days after.
ORDER_WARN_DAYS = 7
ORDER_PAST_DAYS = 30


def orders_expiring(user, *, scope, today, limit=None) -> list[pending.PendingItem]:
    """Granted orders of the cases in scope that end within ``ORDER_WARN_DAYS`` or ended lately: the ``limit``
    soonest (``pending.Items``). One query."""
    if not (user.is_authenticated and user.role in EXPIRING_ROLES):
        return []
    if scope == pending.MINE and user.role == Role.DIRECTOR:
        return []
    orders = (
        ProtectionOrder.objects.annotate(expiry=Coalesce(F("extended_until"), F("expires_on")))
        .filter(
            case__in=pending.scope_cases(user, scope).values("pk"),
            status=ProtectionOrder.Status.GRANTED,
            expiry__gte=today - timedelta(days=ORDER_PAST_DAYS),
            expiry__lte=today + timedelta(days=ORDER_WARN_DAYS),
        )
        .values("pk", "expiry", "case_id", "case__folio", "case__holder_id")
    )
    may_edit = user.role in ORDER_ROLES  # the lawyers and coordinators update it; the director reads the case
    orders, total = pending.most_urgent(orders, lambda o: (o["expiry"], o["case__folio"]), limit)
    items = []
    for order in orders:
        expiry = order["expiry"]
        if expiry < today:
            title = _("Protection order ended on %(date)s: record its extension or its end")
        else:
            title = _("Protection order ends on %(date)s")
        items.append(
            pending.PendingItem(
                kind="protection_order",
                kind_label=_("Protection order"),
                title=title % {"date": date_format(expiry, "j \\d\\e F")},
                due=expiry,
                url=(
                    reverse("violence:order_edit", args=[order["case__folio"], order["pk"]])
                    if may_edit
                    else pending.case_url(order["case__folio"])
                ),
                folio=order["case__folio"],
                case_id=order["case_id"],
                person_id=order["case__holder_id"],
                weight=1,
            )
        )
    return pending.Items(items, total)


def _risk_annotations(today) -> dict:
    latest_alarm = Subquery(
        RiskAssessment.objects.filter(case=OuterRef("pk"))
        .order_by("-assessed_at", "-id")
        .values("is_alarm")[:1]
    )
    in_force = ProtectionOrder.objects.annotate(expiry=Coalesce(F("extended_until"), F("expires_on"))).filter(
        case=OuterRef("pk"), status=ProtectionOrder.Status.GRANTED, expiry__gte=today
    )
    return {"alarm": latest_alarm, "order": Exists(in_force)}


def _risk_flags_of(row) -> list[flags.Flag]:
    found = []
    if row["status"] in ACTIVE_STATUSES and (row["is_priority"] or row["alarm"]):
        found.append(high_risk_flag())
    if row["order"]:
        found.append(order_flag())
    return found


# "Riesgo alto" (a priority case, or the last assessment at an alarm level) and "Orden de protección" (one in
# force), for the holders of the active cases the user may see: facts asked in the case flags' one query.
RISK_FACTS = CaseFacts(annotate=_risk_annotations, flags=_risk_flags_of)


def high_risk_flag() -> flags.Flag:
    return flags.Flag(
        code="high_risk",
        label=_("High risk"),
        level=flags.DANGER,
        title=_("Priority case or a high risk level in her last assessment"),
    )


def order_flag() -> flags.Flag:
    return flags.Flag(
        code="protection_order",
        label=_("Protection order"),
        level=flags.WARNING,
        title=_("A protection order in force"),
    )


def register() -> None:
    from violeta.violence.followups import follow_ups_due

    pending.register("violence.follow_ups", items=follow_ups_due)
    pending.register("violence.protection_orders", items=orders_expiring)
    register_facts("violence.risk", RISK_FACTS)
