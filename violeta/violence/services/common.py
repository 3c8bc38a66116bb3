"""What every write about violence shares: the guard (role and open case file), the case's address, and who is
told (the coordinators of the case's areas; the lawyers, for protection orders)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.cases.models import Case, CaseTeamMember
from violeta.cases.selectors import can_view_case

# The hour (local time) at which dated reminders (an order's expiry, a plan's review) are given.
REMINDER_HOUR = 9


def require_writer(by, roles, case: Case) -> None:
    """Only ``roles`` write here, and only on an open case file."""
    if not (by.is_active and by.role in roles):
        raise PermissionDenied
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to record this."), code="closed")


def case_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"folio": case.folio})


def area_coordinators(case: Case) -> list[User]:
    """The coordinators of the areas on the case's team (all coordinators if no area attends it yet)."""
    area_ids = set(
        CaseTeamMember.objects.filter(case=case, area__isnull=False).values_list("area_id", flat=True)
    )
    coordinators = User.objects.filter(is_active=True, role=Role.COORDINATOR)
    if area_ids:
        coordinators = coordinators.filter(area_id__in=area_ids)
    return list(coordinators)


def case_lawyers(case: Case) -> list[User]:
    """The lawyers on the case's team; if none, the coordinators of the legal area who may see the case; if
    none may (the legal area left its team), the director, who sees every case: a reminder about a case goes
    only to staff who may open it (issue 12), and an order about to expire must still reach someone."""
    lawyers = list(
        User.objects.filter(is_active=True, role=Role.LEGAL, case_memberships__case=case).distinct()
    )
    if lawyers:
        return lawyers
    coordinators = [u for u in area_coordinators(case) if u.area and u.area.code == "juridica"] or list(
        User.objects.filter(is_active=True, role=Role.COORDINATOR, area__code="juridica")
    )
    return [u for u in coordinators if can_view_case(u, case)] or list(
        User.objects.filter(is_active=True, role=Role.DIRECTOR)
    )
