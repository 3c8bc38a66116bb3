"""Who may write the violence section of a case file. The reads' rule (who may see it at all) is
``violence.selectors.can_view_violence``; the case itself must be visible (``cases.selectors``).

Services check these before writing; views use them to decide what to offer.
"""

from violeta.accounts.models import AREA_ROLES, Role
from violeta.cases.models import Case
from violeta.cases.permissions import can_manage_team

# Who records violence, risk, plans and screenings: the professionals who attend her.
WRITE_ROLES = AREA_ROLES
# Protection orders are the legal area's work (and its coordination's).
ORDER_ROLES = frozenset({Role.LEGAL, Role.COORDINATOR})


def can_lift_priority(user, case: Case) -> bool:
    """Lifting lowers the protection she gets: the coordination of an area on the case, or the director."""
    if not (user.is_active and user.role in (Role.COORDINATOR, Role.DIRECTOR)):
        return False
    return can_manage_team(user, case)


def can_mark_priority(user, case: Case) -> bool:
    """Raising it costs little and errs on her side: any professional on the team, coordination, director."""
    if not (user.is_active and (user.role in WRITE_ROLES or user.role == Role.DIRECTOR)):
        return False
    return can_manage_team(user, case)
