"""What the legal area puts in "Mis pendientes" (``cases.pending``): hearings, deadlines and appointments before
an authority in the coming week. Registered from ``LegalConfig.ready``."""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.cases import pending
from violeta.legal.models import CLOSED_STAGES, Hearing, HearingKind, HearingStatus
from violeta.legal.selectors import can_read_matters, visible_matters

WEEK_DAYS = 7


def hearings_due(user, *, scope, today, limit=None) -> list[pending.PendingItem]:
    """Scheduled hearings and deadlines from today to a week ahead: of the matters she is responsible for
    (``mine``) or of every matter she may read in her area's cases (``area``). One query."""
    if (scope == pending.MINE and user.role == Role.DIRECTOR) or not can_read_matters(user):
        return []  # outside the legal area nobody has matters: no query known to find nothing is built
    matters = visible_matters(user).exclude(stage__in=CLOSED_STAGES)
    if scope == pending.MINE:
        matters = matters.filter(responsible_id=user.pk)
    else:
        if not pending.may_see_area(user):
            return []
        matters = matters.filter(case__in=pending.scope_cases(user, scope).values("pk"))
    start = timezone.make_aware(datetime.combine(today, time.min))
    end = start + timedelta(days=WEEK_DAYS + 1)
    rows = (
        Hearing.objects.filter(
            matter__in=matters.values("pk"),
            status=HearingStatus.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("matter__case", "matter__responsible")
        .only(
            "id",
            "kind",
            "starts_at",
            "matter__id",
            "matter__case__folio",
            "matter__case__holder_id",
            "matter__responsible__full_name",
            "matter__responsible__email",
        )
        .order_by("starts_at", "id")
    )
    items = []
    for hearing in rows:
        when = date_format(timezone.localtime(hearing.starts_at), "l j \\d\\e F, H:i")
        if hearing.kind == HearingKind.DEADLINE:
            kind_label, title = _("Deadline"), _("Deadline on %(when)s") % {"when": when}
        else:
            kind_label = _("Hearing")
            title = _("%(kind)s on %(when)s") % {"kind": hearing.get_kind_display(), "when": when}
        case = hearing.matter.case
        items.append(
            pending.PendingItem(
                kind="hearing",
                kind_label=kind_label,
                title=title,
                due=hearing.starts_at,
                url=reverse("legal:matter_detail", args=[hearing.matter.pk]),
                folio=case.folio,
                case_id=case.pk,
                person_id=case.holder_id,
                owner=str(hearing.matter.responsible) if scope == pending.AREA else "",
                weight=1,
            )
        )
    return items


def register() -> None:
    pending.register("legal.hearings", items=hearings_due)
