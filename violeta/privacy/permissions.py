"""Who may act on privacy matters: the rule the privacy app's services, selectors and views share.

ARCO requests are registered and answered by the director and the area coordinators (the institute's privacy
officers; no role of its own, see docs/security.md). Blocked records and breaches: the director only.
"""

from django.core.exceptions import PermissionDenied

from violeta.accounts.models import Role

PRIVACY_ROLES = frozenset({Role.DIRECTOR, Role.COORDINATOR})


def is_privacy_officer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in PRIVACY_ROLES)


def require_officer(user) -> None:
    if not is_privacy_officer(user):
        raise PermissionDenied


def require_director(user) -> None:
    if not (user.is_authenticated and user.is_active and user.role == Role.DIRECTOR):
        raise PermissionDenied
