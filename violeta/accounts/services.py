"""Staff accounts are managed by the system administrator through these services.

A role that reads personal data (``PERSONAL_DATA_ROLES``) takes two people: the administrator asks for it
(``staff_create`` and ``staff_update`` call ``grant_request``) and a director who did not ask, and whose account
it is not, approves it (``grant_approve``) or refuses it with a reason (``grant_refuse``). Until then the account
keeps the role it had; a new account has none and is disabled. Each step is audited as ``role_grant`` and flagged
for review.

Setup code (the demo data, ``manage.py create_director`` for the first director) creates accounts with
``staff_create_direct``; no screen or API calls it.

Sessions: disabling an account, changing its role or area, and the administrator's "end sessions" raise the
account's ``session_epoch``, which ends every session she has (``User._get_session_auth_hash``).
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.hooks import role_grant_decided, role_grant_requested
from violeta.accounts.models import AREA_ROLES, PERSONAL_DATA_ROLES, GrantStatus, Role, RoleGrant, User
from violeta.audit.models import Action
from violeta.audit.services import audit_record


def _check_area(role: str, area) -> None:
    if role in AREA_ROLES and area is None:
        raise ValidationError({"area": _("This role needs an area (the one she works in or coordinates).")})


def _actor(by):
    return by if getattr(by, "is_authenticated", False) else None


def _new_user(*, email: str, full_name: str, role: str, area, password: str | None, is_active: bool) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with that email already exists.")})
    user = User(email=email, full_name=full_name.strip(), role=role, area=area, is_active=is_active)
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
    # The address the administrator gave is the account's verified primary one: the only one she signs in
    # with and the only one a password reset goes to; allauth also needs it verified to allow a second factor.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def staff_create(
    *, by, email: str, full_name: str, role: str, area=None, password: str | None = None
) -> User:
    """Create an account. With a role that reads personal data, the account is created disabled and without a
    role, and the role is requested from the director (``grant_request``)."""
    _check_area(role, area)
    area = area if role in AREA_ROLES else None
    needs_approval = role in PERSONAL_DATA_ROLES
    user = _new_user(
        email=email,
        full_name=full_name,
        role="" if needs_approval else role,
        area=None if needs_approval else area,
        password=password,
        is_active=not needs_approval,
    )
    detail = f"rol {role} en espera de aprobación" if needs_approval else f"rol {role}"
    audit_record(actor=by, action=Action.CREATE, obj=user, detail=detail)
    if needs_approval:
        grant_request(by=by, user=user, role=role, area=area, activate=True)
    return user


@transaction.atomic
def staff_create_direct(
    *, by, email: str, full_name: str, role: str, area=None, password: str | None = None, reason: str
) -> User:
    """Setup only (demo data, the first director): create an account with its role at once, no approval.

    The creation of a role that reads personal data is still audited as a role grant, flagged, with ``reason``.
    """
    _check_area(role, area)
    user = _new_user(
        email=email,
        full_name=full_name,
        role=role,
        area=area if role in AREA_ROLES else None,
        password=password,
        is_active=True,
    )
    audit_record(actor=by, action=Action.CREATE, obj=user, detail=f"rol {role}")
    if role in PERSONAL_DATA_ROLES:
        audit_record(
            actor=by,
            action=Action.ROLE_GRANT,
            obj=user,
            detail=f"rol {role} sin aprobación ({reason})",
            flagged=True,
        )
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
    """Edit an account. A new role (or area) that reads personal data is requested from the director and the
    account keeps its current one meanwhile; a role that reads nothing personal applies at once. Disabling the
    account or changing its role ends her sessions."""
    _check_area(role, area)
    if user == by and (not is_active or role != Role.SYSADMIN) and by.role == Role.SYSADMIN:
        raise ValidationError(_("You cannot remove your own administration role or deactivate yourself."))
    user = User.objects.select_for_update().get(pk=user.pk)
    email = email.strip().lower()
    if email and email != user.email:
        _set_email(by=by, user=user, email=email)
    area = area if role in AREA_ROLES else None
    area_id = area.pk if area is not None else None
    pending = RoleGrant.objects.filter(user=user, status=GrantStatus.PENDING).first()
    role_changed = (role, area_id) != (user.role, user.area_id)
    end_sessions = False
    if role_changed and role in PERSONAL_DATA_ROLES:
        if pending is None or (pending.role, pending.area_id) != (role, area_id):
            grant_request(by=by, user=user, role=role, area=area, activate=not user.role)
    elif role_changed:
        # Less access (a role that reads nothing personal): no second person is needed.
        if pending is not None:
            _withdraw(grant=pending, by=by)
        audit_record(
            actor=by,
            action=Action.ROLE_GRANT,
            obj=user,
            detail=f"rol {user.role or '-'} → {role} (no lee datos personales)",
        )
        user.role, user.area = role, area
        end_sessions = True
    if is_active and not user.role:
        raise ValidationError(
            {"is_active": _("This account has no role yet: enable it once the director approves its role.")}
        )
    if user.is_active and not is_active:
        end_sessions = True
    user.full_name = full_name.strip()
    user.is_active = is_active
    user.is_on_duty = is_on_duty
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=by, action=Action.UPDATE, obj=user, detail=f"rol {user.role}, activa={is_active}")
    if end_sessions:
        staff_end_sessions(by=by, user=user, detail="cuenta desactivada o rol cambiado")
    return user


@transaction.atomic
def staff_end_sessions(*, by, user: User, detail: str = "") -> User:
    """End every session the account has, on every device (the next request of each asks her to sign in)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    audit_record(actor=by, action=Action.SESSIONS_ENDED, obj=user, detail=detail or "por la administración")
    return user


# --- role grants ----------------------------------------------------------------------------------------------


@transaction.atomic
def grant_request(*, by, user: User, role: str, area=None, activate: bool = False) -> RoleGrant:
    """Ask a director to give ``user`` a role that reads personal data; replaces her pending request if any."""
    if role not in PERSONAL_DATA_ROLES:
        raise ValidationError({"role": _("This role does not need the director's approval.")})
    _check_area(role, area)
    pending = RoleGrant.objects.select_for_update().filter(user=user, status=GrantStatus.PENDING).first()
    if pending is not None:
        _withdraw(grant=pending, by=by)
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        area=area if role in AREA_ROLES else None,
        previous_role=user.role,
        activate=activate,
        requested_by=_actor(by),
    )
    audit_record(
        actor=by,
        action=Action.ROLE_GRANT,
        obj=user,
        detail=f"solicitud {grant.pk}: rol {role} en espera de aprobación de la dirección",
        flagged=True,
    )
    role_grant_requested.send(sender=RoleGrant, grant=grant)
    return grant


def _withdraw(*, grant: RoleGrant, by) -> None:
    grant.status = GrantStatus.WITHDRAWN
    grant.decided_by = _actor(by)
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=by,
        action=Action.ROLE_GRANT,
        obj=grant.user,
        detail=f"solicitud {grant.pk} reemplazada o retirada",
    )
    role_grant_decided.send(sender=RoleGrant, grant=grant)


def _decidable(*, by, grant: RoleGrant) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.status != GrantStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not (getattr(by, "is_authenticated", False) and by.is_active and by.role == Role.DIRECTOR):
        raise ValidationError(_("Only a director approves or refuses role requests."))
    if by.pk == grant.requested_by_id:
        raise ValidationError(_("You made this request: another director must decide it."))
    if by.pk == grant.user_id:
        raise ValidationError(_("Nobody decides a role request for her own account."))
    return grant


@transaction.atomic
def grant_approve(*, by, grant: RoleGrant, comment: str = "") -> RoleGrant:
    """A director approves: the account gets the role (and is enabled if it was new); her sessions end."""
    grant = _decidable(by=by, grant=grant)
    user = User.objects.select_for_update().get(pk=grant.user_id)
    user.role = grant.role
    user.area = grant.area if grant.role in AREA_ROLES else None
    if grant.activate:
        user.is_active = True
    user.save(update_fields=["role", "area", "is_active"])
    grant.status = GrantStatus.APPROVED
    grant.decided_by, grant.decided_at, grant.comment = by, timezone.now(), comment.strip()[:500]
    grant.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit_record(
        actor=by,
        action=Action.ROLE_GRANT,
        obj=user,
        detail=f"solicitud {grant.pk} aprobada: rol {grant.role}",
        flagged=True,
    )
    staff_end_sessions(by=by, user=user, detail=f"rol cambiado (solicitud {grant.pk})")
    role_grant_decided.send(sender=RoleGrant, grant=grant)
    return grant


@transaction.atomic
def grant_refuse(*, by, grant: RoleGrant, comment: str) -> RoleGrant:
    """A director refuses, saying why: the account keeps the role it had."""
    if not comment.strip():
        raise ValidationError({"comment": _("Write the reason for refusing.")})
    grant = _decidable(by=by, grant=grant)
    grant.status = GrantStatus.REFUSED
    grant.decided_by, grant.decided_at, grant.comment = by, timezone.now(), comment.strip()[:500]
    grant.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit_record(
        actor=by,
        action=Action.ROLE_GRANT,
        obj=grant.user,
        detail=f"solicitud {grant.pk} rechazada",
        flagged=True,
    )
    role_grant_decided.send(sender=RoleGrant, grant=grant)
    return grant


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
