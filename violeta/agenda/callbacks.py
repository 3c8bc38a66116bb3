"""Callback requests from the public site ("Pide que te llamemos"): her request, the front desk's list and its
actions, the erasure of handled requests. Writes are one transaction each, audited; nothing is ever sent to her.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.agenda import conf
from violeta.agenda.models import (
    CALLBACK_OPEN,
    CallbackKind,
    CallbackRequest,
    CallbackStatus,
    PhoneCall,
)
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.core.validators import format_phone, parse_phone
from violeta.notifications.services import notify

# Who sees and handles the requests: the front desk, coordination and direction.
CALLBACK_ROLES = frozenset({Role.RECEPTION, Role.COORDINATOR, Role.DIRECTOR})
# Who is told one arrived (a notice without personal data).
NOTIFIED_ROLES = (Role.RECEPTION,)
PUBLIC_ACTOR = "sitio público"
ERASED_FIELDS = ("name", "phone", "best_time", "code_word", "reason")


def may_handle_callbacks(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in CALLBACK_ROLES)


@transaction.atomic
def callback_request_submit(
    *,
    kind: str,
    phone: str,
    may_leave_message: bool,
    may_send_sms: bool,
    best_time: str = "",
    name: str = "",
    code_word: str = "",
    reason: str = "",
) -> CallbackRequest:
    """Her request, from the public site: stored encrypted, the front desk told (no personal data in the notice).

    No confirmation goes to her, by any channel: she did not choose one, and her phone may be read by someone else.
    """
    if kind not in CallbackKind.values:
        raise ValidationError({"kind": _("Choose a call or an appointment.")})
    try:
        phone = parse_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}, code="phone") from exc
    request = CallbackRequest(
        kind=kind,
        phone=phone,
        may_leave_message=may_leave_message,
        may_send_sms=may_send_sms,
        best_time=best_time.strip(),
        name=name.strip(),
        code_word=code_word.strip(),
        reason=reason.strip(),
    )
    request.full_clean()
    request.save()
    audit_record(actor=None, actor_label=PUBLIC_ACTOR, action=Action.CREATE, obj=request)
    notify(
        recipients=User.objects.filter(role__in=NOTIFIED_ROLES, is_active=True),
        kind="agenda",
        message=_("New callback request"),
        url=reverse("agenda:calls"),
        key=f"agenda-callback-{request.pk}",
    )
    return request


def safe_contact_choices(request: CallbackRequest) -> list[str]:
    """Her safe-contact choices as the front desk must read them before dialling, in order."""
    choices = [
        _("A message may be left") if request.may_leave_message else _("Do not leave a message"),
        _("An SMS may be sent") if request.may_send_sms else _("Do not send an SMS"),
    ]
    if request.best_time:
        choices.append(_("Best: %(when)s") % {"when": request.best_time})
    if request.code_word:
        choices.append(_("Code word: %(word)s") % {"word": request.code_word})
    return choices


def callbacks_pending(user) -> list[CallbackRequest]:
    """The requests waiting for a call, oldest first, each with ``choices`` (her safe-contact choices); each one
    shown is an audited read. One query for the rows, one for the audit."""
    if not may_handle_callbacks(user):
        return []
    rows = list(CallbackRequest.objects.filter(status__in=CALLBACK_OPEN).order_by("created_at", "id"))
    for row in rows:
        row.choices = safe_contact_choices(row)
        row.phone_display = format_phone(row.phone)
    audit_many(actor=user, action=Action.VIEW, objects=rows, detail="solicitudes de llamada pendientes")
    return rows


def access_callback(user, pk, *, detail: str = "solicitud de llamada") -> CallbackRequest:
    """One open request for the front desk; otherwise 404 and an audited refusal."""
    found = None
    if may_handle_callbacks(user) and str(pk).isdigit():
        found = CallbackRequest.objects.filter(pk=pk, status__in=CALLBACK_OPEN).first()
    if found is None:
        audit_denied(actor=user, object_type="agenda.callbackrequest", object_id=str(pk)[:40])
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=found, detail=detail)
    return found


def _lock_open(request: CallbackRequest, by) -> CallbackRequest:
    if not may_handle_callbacks(by):
        raise PermissionDenied
    locked = CallbackRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in CALLBACK_OPEN:
        raise ValidationError(_("This request was already handled."), code="handled")
    return locked


def _handled(request: CallbackRequest, *, by, status: str, detail: str) -> CallbackRequest:
    request.status = status
    request.handled_by = by
    request.handled_at = timezone.now()
    request.save(update_fields=["status", "handled_by", "handled_at", "attempts", "call"])
    audit_record(actor=by, action=Action.UPDATE, obj=request, detail=detail)
    return request


@transaction.atomic
def callback_no_answer(*, request: CallbackRequest, by) -> CallbackRequest:
    """She did not answer: one more attempt counted; the request stays in the list, to try again."""
    request = _lock_open(request, by)
    request.attempts += 1
    return _handled(request, by=by, status=CallbackStatus.NO_ANSWER, detail="no contestó")


@transaction.atomic
def callback_cancel(*, request: CallbackRequest, by) -> CallbackRequest:
    request = _lock_open(request, by)
    return _handled(request, by=by, status=CallbackStatus.CANCELLED, detail="cancelada")


@transaction.atomic
def callback_called(*, request: CallbackRequest, call: PhoneCall, by) -> CallbackRequest:
    """She was called back: the call logged for it is linked, and the request leaves the list."""
    request = _lock_open(request, by)
    request.call = call
    return _handled(request, by=by, status=CallbackStatus.DONE, detail="llamada de vuelta")


def callback_requests_erase(*, now: datetime | None = None) -> int:
    """Erase what she wrote in requests handled more than the retention days ago (a periodic job; safe to run
    twice). The row stays, without her data, as a count. Returns how many were erased."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=conf.get_int("AGENDA_CALLBACK_RETENTION_DAYS"))
    due = CallbackRequest.objects.filter(
        status__in=(CallbackStatus.DONE, CallbackStatus.CANCELLED),
        handled_at__lt=cutoff,
        erased_at__isnull=True,
    ).values_list("pk", flat=True)
    erased = 0
    for pk in list(due):
        with transaction.atomic():
            row = CallbackRequest.objects.select_for_update().filter(pk=pk, erased_at__isnull=True).first()
            if row is None:
                continue
            for field in ERASED_FIELDS:
                setattr(row, field, "")
            row.erased_at = now
            row.save(update_fields=[*ERASED_FIELDS, "erased_at"])
            audit_record(
                actor=None, actor_label="sistema", action=Action.DELETE, obj=row, detail="retención cumplida"
            )
            erased += 1
    return erased


def pending_count() -> int:
    return CallbackRequest.objects.filter(status__in=CALLBACK_OPEN).count()


def open_requests() -> QuerySet[CallbackRequest]:
    return CallbackRequest.objects.filter(status__in=CALLBACK_OPEN)
