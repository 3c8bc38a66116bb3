"""Who may do what to case files: predicates only, asked by services, selectors and views.

Which cases a user may *see* is ``selectors.visible_cases`` (a query); these are the rules about acting.
"""

from violeta.accounts.models import AREA_ROLES, CASE_ROLES, Role
from violeta.cases.models import Case, InternalProtocolDesignation


def is_case_staff(user) -> bool:
    """An active account of the staff who attend case files."""
    return bool(user.is_active and user.role in CASE_ROLES)


def can_manage_team(user, case: Case) -> bool:
    """Who adds staff to the case's team or takes them off: the director; a coordinator whose area is on the
    team, or who is on it; an area professional on the team."""
    if user.role == Role.DIRECTOR:
        return True
    if user.role == Role.COORDINATOR:
        return (
            case.team_members.filter(area_id=user.area_id).exists()
            or case.team_members.filter(user=user).exists()
        )
    return user.role in AREA_ROLES and case.team_members.filter(user=user).exists()


def may_break_glass(user, case: Case) -> bool:
    """Emergency access to ``case`` outside the usual rules: for the staff who attend case files, except the
    director (who sees every case anyway). An internal-protocol case is for its designated staff only: emergency
    access never opens it (and the form answers as if the folio did not exist)."""
    return is_case_staff(user) and user.role != Role.DIRECTOR and not case.is_internal_protocol


def is_protocol_staff(user) -> bool:
    """Designated for the internal protocol (or the director, who sees every case)."""
    if not is_case_staff(user):
        return False
    return user.role == Role.DIRECTOR or InternalProtocolDesignation.objects.filter(user=user).exists()


def can_edit_custom_values(user, case: Case) -> bool:
    """Who records the institute's own fields of an active case ("Datos adicionales"): its team, the
    coordination of an area on the team, the director."""
    if not (is_case_staff(user) and case.is_active):
        return False
    if user.role == Role.DIRECTOR or case.team_members.filter(user=user).exists():
        return True
    return user.role == Role.COORDINATOR and case.team_members.filter(area_id=user.area_id).exists()
