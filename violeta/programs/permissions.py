"""Who works the programs: the trainers, the coordinators and the director (issue 17)."""

from django.core.exceptions import PermissionDenied

from violeta.accounts.models import Role

PROGRAM_ROLES = frozenset({Role.TRAINER, Role.COORDINATOR, Role.DIRECTOR})


def is_program_staff(user) -> bool:
    """Whether the user manages programs: organisations, trainings, their attendees and attendance."""
    return bool(user and user.is_authenticated and user.is_active and user.role in PROGRAM_ROLES)


def require_program_staff(user) -> None:
    if not is_program_staff(user):
        raise PermissionDenied


# Everyone who works at the institute keeps a record of her own training (professionalisation); partners' liaisons
# and merchants are not the institute's staff.
STAFF_ROLES = frozenset(set(Role) - {Role.LIAISON, Role.MERCHANT})
