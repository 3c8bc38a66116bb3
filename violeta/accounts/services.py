"""Staff accounts are managed by the system administrator through these services."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
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
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    # The address the administrator gave is the account's verified primary one: the only one she signs in
    # with and the only one a password reset goes to; allauth also needs it verified to allow a second factor.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    audit_record(actor=by, action=Action.CREATE, obj=user, detail=f"rol {role}")
    return user


def _set_email(*, by, user: User, email: str) -> None:
    """The administrator changes her address: it becomes her only, verified primary address."""
    taken = User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    if taken or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists():
        raise ValidationError({"email": _("An account with that email already exists.")})
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user.email = email
    audit_record(actor=by, action=Action.UPDATE, obj=user, detail="correo electrónico cambiado", flagged=True)


@transaction.atomic
def staff_update(
    *,
    by,
    user: User,
    full_name: str,
    role: str,
    area=None,
    is_active: bool,
    is_on_duty: bool,
    email: str = "",
) -> User:
    _check_area(role, area)
    email = email.strip().lower()
    if email and email != user.email:
        _set_email(by=by, user=user, email=email)
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


@transaction.atomic
def mfa_failure_record(*, user: User, reauthentication: bool = False, locked: bool = False) -> bool:
    """A wrong second-factor code (or one tried while locked): audited; the limit locks the second factor.

    Returns whether the second factor is now locked. Events at or past the limit are flagged for review.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    step = "reautenticación" if reauthentication else "inicio de sesión"
    if locked:
        audit_record(
            actor=None,
            action=Action.MFA_FAILED,
            obj=user,
            actor_label=user.email,
            detail=f"código de segundo factor con el paso bloqueado ({step})",
            flagged=True,
        )
        return True
    user.mfa_failures += 1
    now_locked = user.mfa_failures >= settings.MFA_FAILURE_LIMIT
    if now_locked:
        user.mfa_failures = 0
        user.mfa_locked_until = timezone.now() + settings.MFA_LOCKOUT_TIME
    user.save(update_fields=["mfa_failures", "mfa_locked_until"])
    detail = f"código de segundo factor incorrecto ({step})"
    if now_locked:
        detail += f"; segundo factor bloqueado tras {settings.MFA_FAILURE_LIMIT} intentos"
    audit_record(
        actor=None,
        action=Action.MFA_FAILED,
        obj=user,
        actor_label=user.email,
        detail=detail,
        flagged=now_locked,
    )
    return now_locked


@transaction.atomic
def mfa_success_record(*, user: User) -> None:
    """A right code ends the count of wrong ones."""
    User.objects.filter(pk=user.pk).update(mfa_failures=0, mfa_locked_until=None)
