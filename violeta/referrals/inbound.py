"""Writes of the referrals partner institutions send to the institute (``InboundReferral``): sent by a liaison,
then converted by the intake opened from it (``referrals/intake.py``) or dismissed by reception. Keyword-only, one
transaction each, audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import Case, EventKind
from violeta.cases.services import case_event_record
from violeta.notifications.services import notify
from violeta.referrals.models import InboundReferral, InboundStatus


@transaction.atomic
def inbound_referral_create(*, by, **fields) -> InboundReferral:
    """A partner institution refers a woman to the institute: an intake draft waits for reception."""
    link = getattr(by, "liaison", None) if by.role == Role.LIAISON else None
    if link is None:
        raise PermissionDenied
    if not fields.get("consent_given"):
        raise ValidationError(
            {"consent_given": _("Refer her only with her consent: confirm that she agreed.")}
        )
    inbound = InboundReferral(institution=link.institution, sent_by=by, **fields)
    inbound.full_clean()
    inbound.save()
    audit_record(actor=by, action=Action.CREATE, obj=inbound, detail="canalización recibida")
    reception = User.objects.filter(is_active=True, role__in=[Role.RECEPTION, Role.SOCIAL_WORK])
    notify(
        recipients=reception,
        kind="referral_inbound",
        message=_("%(institution)s referred a woman to the institute.") % {"institution": link.institution},
        url=reverse("referrals:inbound_list"),
    )
    return inbound


@transaction.atomic
def inbound_referral_convert(*, inbound: InboundReferral, case: Case, by) -> InboundReferral:
    """The intake opened from an inbound referral: the draft is done and points at the case.

    Run by ``cases.services.intake_register`` in the intake's transaction (the ``inbound_referral`` intake
    source). The row is locked and read again: a referral dismissed or converted meanwhile refuses the intake.
    """
    status = InboundReferral.objects.select_for_update().values_list("status", flat=True).get(pk=inbound.pk)
    if status != InboundStatus.PENDING or inbound.status != InboundStatus.PENDING:
        raise ValidationError(_("This referral was already handled."), code="handled")
    inbound.status = InboundStatus.CONVERTED
    inbound.case = case
    inbound.handled_by = by
    inbound.handled_at = timezone.now()
    inbound.save(update_fields=["status", "case", "handled_by", "handled_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=inbound, case_id=case.pk, detail="entrevista abierta")
    case_event_record(
        case=case,
        by=by,
        kind=EventKind.REFERRAL,
        description=_("Referred to the institute by %(institution)s") % {"institution": inbound.institution},
    )
    return inbound


@transaction.atomic
def inbound_referral_dismiss(*, inbound: InboundReferral, by, why: str) -> InboundReferral:
    if inbound.status != InboundStatus.PENDING:
        raise ValidationError(_("This referral was already handled."), code="handled")
    if len(why.strip()) < 5:
        raise ValidationError({"why": _("Say why it is dismissed.")})
    inbound.status = InboundStatus.DISMISSED
    inbound.handled_by = by
    inbound.handled_at = timezone.now()
    inbound.save(update_fields=["status", "handled_by", "handled_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=inbound, detail="descartada")
    return inbound
