"""Writes of ARCO requests (access, rectification, cancellation, opposition): registering one, its legal clock
and its one extension, the answer or the refusal, her export, blocking her data, applying her opposition.

One transaction each, with the audit records inside it (of the request, and of her record when it names her):
``arco_register``, ``arco_start``, ``arco_extend``, ``arco_answer``, ``arco_refuse``, ``arco_export``,
``arco_block``, ``arco_oppose``. The reminder to the handler is a notification written in the same transaction
(violeta.notifications), cancelled in the transaction that closes the request. ``arco_oppose`` changes her
consents and safe-contact rules through the people app's services, inside its transaction. Rectification is in
``rectification``.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.notifications.services import notifications_cancel, notify
from violeta.people.models import ConsentPurpose, Person, WithdrawalMeans
from violeta.people.services import consent_record, consent_withdraw, safe_contact_set
from violeta.privacy import clock, export
from violeta.privacy.models import ArcoRequest, ArcoRight, ArcoStatus, Opposition, PersonBlock
from violeta.privacy.permissions import is_privacy_officer, require_officer
from violeta.privacy.services.retention import retention_period


def conf(key: str):
    return settings.PRIVACY[key]


def require_handler(request: ArcoRequest, user) -> None:
    if not (request.handler_id == user.pk or user.role == Role.DIRECTOR):
        raise PermissionDenied


def require_open(request: ArcoRequest) -> None:
    if not request.is_open:
        raise ValidationError(_("The request is already closed: it was answered or refused."), code="closed")


def _reminder_key(request: ArcoRequest) -> str:
    return f"privacy.arco:{request.pk}:due"


def _remind(request: ArcoRequest) -> None:
    """A notice to the handler some business days before the answer is due (the notification app e-mails it)."""
    day = clock.subtract_business_days(request.due_on, conf("ARCO_REMINDER_BUSINESS_DAYS"))
    when = timezone.make_aware(datetime.combine(day, time(9, 0)))
    notify(
        recipients=[request.handler],
        kind="privacy",
        message=_("The ARCO request %(folio)s must be answered by %(date)s.")
        % {"folio": request.folio, "date": request.due_on.strftime("%d/%m/%Y")},
        url=reverse("privacy:arco_detail", kwargs={"pk": request.pk}),
        deliver_at=when if when > timezone.now() else None,
        key=_reminder_key(request),
    )


def audit_request(
    request: ArcoRequest, *, by, action=Action.UPDATE, detail: str, flagged: bool = False
) -> None:
    audit_record(actor=by, action=action, obj=request, detail=detail, flagged=flagged)
    if request.person_id:
        audit_record(
            actor=by,
            action=action,
            object_type="people.person",
            object_id=request.person_id,
            detail=f"{request.folio} {detail}",
            flagged=flagged,
        )


@transaction.atomic
def arco_register(
    *,
    person: Person,
    by,
    right: str,
    received_on,
    identity_check: str,
    description: str,
    identity_notes: str = "",
    handler=None,
) -> ArcoRequest:
    """Register her request, start its legal clock (20 business days) and remind the handler before it is due."""
    require_officer(by)
    handler = handler or by
    if not is_privacy_officer(handler):
        raise ValidationError({"handler": _("Only the director or a coordinator may handle ARCO requests.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date it was received cannot be in the future.")})
    request = ArcoRequest(
        person=person,
        right=right,
        received_on=received_on,
        identity_check=identity_check,
        identity_notes=identity_notes,
        description=description,
        due_on=clock.add_business_days(received_on, conf("ARCO_BUSINESS_DAYS")),
        handler=handler,
        created_by=by,
    )
    request.full_clean()
    request.save()
    audit_request(request, by=by, action=Action.CREATE, detail=f"solicitud ARCO ({right})")
    _remind(request)
    return request


@transaction.atomic
def arco_start(*, request: ArcoRequest, by) -> ArcoRequest:
    require_handler(request, by)
    if request.status != ArcoStatus.RECEIVED:
        raise ValidationError(_("Only a request just received can be started."), code="state")
    request.status = ArcoStatus.IN_PROGRESS
    request.save(update_fields=["status"])
    audit_request(request, by=by, detail="en trámite")
    return request


@transaction.atomic
def arco_extend(*, request: ArcoRequest, by, reason: str) -> ArcoRequest:
    """The one extension the law allows (20 more business days), justified, decided before the term ends."""
    require_handler(request, by)
    require_open(request)
    if request.extended_at is not None:
        raise ValidationError(_("The term can be extended only once."), code="extended")
    if request.due_on < timezone.localdate():
        raise ValidationError(_("The term is over: it can no longer be extended."), code="late")
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the term is extended.")})
    request.status = ArcoStatus.EXTENDED
    request.extension_reason = reason.strip()
    request.extended_at = timezone.now()
    request.due_on = clock.add_business_days(request.due_on, conf("ARCO_EXTENSION_BUSINESS_DAYS"))
    request.save(update_fields=["status", "extension_reason", "extended_at", "due_on"])
    audit_request(request, by=by, detail="prórroga")
    _remind(request)
    return request


def _close(request: ArcoRequest, *, by, status: str, detail: str) -> None:
    request.status = status
    request.closed_at = timezone.now()
    request.save()
    audit_request(request, by=by, detail=detail)
    notifications_cancel(key=_reminder_key(request))


@transaction.atomic
def arco_answer(*, request: ArcoRequest, by, response: str) -> ArcoRequest:
    require_handler(request, by)
    require_open(request)
    if not response.strip():
        raise ValidationError({"response": _("Write the answer given to her.")})
    request.response = response.strip()
    _close(request, by=by, status=ArcoStatus.ANSWERED, detail="respondida")
    return request


@transaction.atomic
def arco_refuse(*, request: ArcoRequest, by, reason: str) -> ArcoRequest:
    require_handler(request, by)
    require_open(request)
    if not reason.strip():
        raise ValidationError({"reason": _("Write the legal reason for refusing.")})
    request.refusal_reason = reason.strip()
    _close(request, by=by, status=ArcoStatus.REFUSED, detail="improcedente")
    return request


def require_right(request: ArcoRequest, right: str) -> None:
    if request.right != right:
        raise ValidationError(_("This request is for another right."), code="right")
    if request.person_id is None:
        raise ValidationError(_("Her record no longer exists."), code="erased")


@transaction.atomic
def arco_export(*, request: ArcoRequest, by) -> bytes:
    """Her complete export (ZIP) for the handler only; audited as an export of her and of each of her cases."""
    if request.handler_id != by.pk:
        raise PermissionDenied
    require_right(request, ArcoRight.ACCESS)
    if request.status == ArcoStatus.REFUSED:
        raise ValidationError(_("The request was refused."), code="refused")
    person = request.person
    content, counts = export.build_export(person, generated_by=by)
    total = sum(counts.values())
    audit_record(
        actor=by,
        action=Action.EXPORT,
        object_type="people.person",
        object_id=person.pk,
        detail=f"{request.folio} acceso ARCO: exportación completa ({total} registros)",
    )
    for case_id in export.her_roots(person)["cases.case"]:
        audit_record(
            actor=by,
            action=Action.EXPORT,
            object_type="cases.case",
            object_id=case_id,
            case_id=case_id,
            detail=f"{request.folio} acceso ARCO",
        )
    request.exported_at = timezone.now()
    request.save(update_fields=["exported_at"])
    return content


@transaction.atomic
def arco_block(*, request: ArcoRequest, by, reason: str) -> PersonBlock:
    """Cancellation, first step: her record and her cases are blocked (only the director sees them) until the
    retention task deletes them after the blocking period."""
    require_handler(request, by)
    require_open(request)
    require_right(request, ArcoRight.CANCELLATION)
    if not reason.strip():
        raise ValidationError({"reason": _("Write the reason for blocking her data.")})
    person = Person.objects.select_for_update().get(pk=request.person_id)
    if person.blocked_at is not None:
        raise ValidationError(_("Her data is already blocked."), code="blocked")
    now = timezone.now()
    person.blocked_at = now
    person.save(update_fields=["blocked_at"])
    block = PersonBlock.objects.create(
        person=person,
        request=request,
        reason=reason.strip(),
        blocked_at=now,
        blocked_by=by,
        delete_after=timezone.localdate() + timedelta(days=retention_period("blocked_records_days")),
    )
    audit_request(request, by=by, detail="bloqueo por cancelación", flagged=True)
    return block


# What each opposition switches off: the consent purposes revoked.
OPPOSITION_CONSENTS = {
    Opposition.SMS: (ConsentPurpose.SMS,),
    Opposition.STATISTICS: (ConsentPurpose.STATISTICS,),
    Opposition.TRANSFERS: (ConsentPurpose.REFERRAL,),
}


@transaction.atomic
def arco_oppose(*, request: ArcoRequest, by, kinds: list[str]) -> ArcoRequest:
    """Record the processing she opposes and apply it: her consents for it are revoked and a refusal is
    recorded; for text messages her safe-contact rules and her card applications stop SMS too."""
    require_handler(request, by)
    require_open(request)
    require_right(request, ArcoRight.OPPOSITION)
    kinds = [k for k in kinds if k in Opposition.values]
    if not kinds:
        raise ValidationError({"kinds": _("Choose at least one processing she opposes.")})
    person = request.person
    for kind in kinds:
        purposes = OPPOSITION_CONSENTS[kind]
        revoked = person.consents.filter(purpose__in=purposes, revoked_at__isnull=True, granted=True)
        for consent in revoked:
            # A withdrawal like any other (people.services.consent_withdraw): dated, by whom, how (ARCO), and
            # the apps holding something on it let it go at once.
            consent_withdraw(
                consent=consent,
                by=by,
                means=WithdrawalMeans.ARCO,
                note=f"{request.folio}: oposición ({kind})",
            )
        for purpose in purposes:
            consent_record(
                person=person, by=by, purpose=purpose, granted=False, scope=f"{request.folio}: oposición ARCO"
            )
        if kind == Opposition.SMS:
            safe_contact_set(person=person, by=by, may_sms=False)
            _card_sms_off(person, by=by)
    request.oppositions = ",".join(sorted(set(request.opposition_list) | set(kinds)))
    request.save(update_fields=["oppositions"])
    audit_request(request, by=by, detail="oposición aplicada: " + ", ".join(kinds))
    return request


def _card_sms_off(person: Person, *, by) -> None:
    from violeta.card.models import CardApplication

    if not person.curp:
        return
    for application in CardApplication.objects.filter(curp=person.curp, accepts_sms=True):
        application.accepts_sms = False
        application.save(update_fields=["accepts_sms"])
        audit_record(actor=by, action=Action.UPDATE, obj=application, detail="sin SMS por oposición ARCO")
