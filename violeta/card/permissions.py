"""Who may act in the card office: the one rule the card's services and selectors share."""

from django.core.exceptions import PermissionDenied

from violeta.accounts.models import Role

OFFICE_ROLES = frozenset({Role.CARD_OFFICE, Role.DIRECTOR})


def is_office(user) -> bool:
    """Whether the user works the card office (or is the director): applications, cards, merchants."""
    return bool(user.is_authenticated and user.is_active and user.role in OFFICE_ROLES)


def require_office(user) -> None:
    if not (user and is_office(user)):
        raise PermissionDenied
