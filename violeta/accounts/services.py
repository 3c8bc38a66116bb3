"""Staff accounts are managed by the system administrator through these services."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from violeta.accounts.models import AREA_ROLES, Role, User
from violeta.audit.models import Action
from violeta.audit.services import audit_record


def _check_area(role: str, area) -> None:
    if role in AREA_ROLES and area is None:
        raise ValidationError({"area": _("This role needs an area (the one she works in or coordinates).")})


@transaction.atomic
def staff_create(
    *, by, email: str, full_name: str, role: str, area=None, password: str | None = None
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with that email already exists.")})
    _check_area(role, area)
    user = User(
        email=email, full_name=full_name.strip(), role=role, area=area if role in AREA_ROLES else None
    )
    if password:
        # Checked against this account: the administrator must not hand out her e-mail or name as a password.
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=by, action=Action.CREATE, obj=user, detail=f"rol {role}")
    return user


@transaction.atomic
def staff_update(
    *, by, user: User, full_name: str, role: str, area=None, is_active: bool, is_on_duty: bool
) -> User:
    _check_area(role, area)
    if user == by and (not is_active or role != Role.SYSADMIN) and by.role == Role.SYSADMIN:
        raise ValidationError(_("You cannot remove your own administration role or deactivate yourself."))
    user.full_name = full_name.strip()
    user.role = role
    user.area = area if role in AREA_ROLES else None
    user.is_active = is_active
    user.is_on_duty = is_on_duty
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=by, action=Action.UPDATE, obj=user, detail=f"rol {role}, activa={is_active}")
    return user
