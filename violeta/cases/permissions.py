"""Who may do what to case files: predicates only, asked by services, selectors and views.

Which cases a user may *see* is ``selectors.visible_cases`` (a query); these are the rules about acting.
"""

from violeta.accounts.models import AREA_ROLES, CASE_ROLES, Role
from violeta.cases.models import Case, InternalProtocolDesignation


def _memo(holder, name: str) -> dict:
    """A dict kept on an object that lives for one request — the case ``access_case`` read, the request's user
    — so a page's panels that ask the same thing ask the database once (never a cache across requests)."""
    return holder.__dict__.setdefault(f"_memo_{name}", {})


def is_on_team(user, case: Case) -> bool:
    """Whether ``user`` is on the case's team: asked once per case object (the page's panels all ask it)."""
    memo = _memo(case, "team_user")
    if user.pk not in memo and case.__dict__.get("_memo_team_known"):
        return False
    if user.pk not in memo:
        memo[user.pk] = case.team_members.filter(user_id=user.pk).exists()
    return memo[user.pk]


def know_team(case: Case, team) -> None:
    """Remember, for this case object, the whole team just read (``case_page``): ``is_on_team`` and
    ``is_area_on_team`` then answer from it without a query."""
    _memo(case, "team_user").update({m.user_id: True for m in team})
    _memo(case, "team_area").update({m.area_id: True for m in team if m.area_id})
    case.__dict__["_memo_team_known"] = True


def is_area_on_team(case: Case, area_id: int | None) -> bool:
    """Whether the area is on the case's team (through any of its staff): asked once per case object."""
    if not area_id:
        return False
    memo = _memo(case, "team_area")
    if area_id not in memo and case.__dict__.get("_memo_team_known"):
        return False
    if area_id not in memo:
        memo[area_id] = case.team_members.filter(area_id=area_id).exists()
    return memo[area_id]


def is_case_staff(user) -> bool:
    """An active account of the staff who attend case files."""
    return bool(user.is_active and user.role in CASE_ROLES)


def can_manage_team(user, case: Case) -> bool:
    """Who adds staff to the case's team or takes them off: the director; a coordinator whose area is on the
    team, or who is on it; an area professional on the team."""
    if user.role == Role.DIRECTOR:
        return True
    if user.role == Role.COORDINATOR:
        return is_area_on_team(case, user.area_id) or is_on_team(user, case)
    return user.role in AREA_ROLES and is_on_team(user, case)


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
    if user.role == Role.DIRECTOR or is_on_team(user, case):
        return True
    return user.role == Role.COORDINATOR and is_area_on_team(case, user.area_id)
