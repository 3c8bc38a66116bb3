"""Writes of her support network: the trusted contacts her alerts go to, and their invitations.

One transaction each. ``contact_add`` queues the invitation SMS inside its transaction, so a contact and the
message that invites her commit together. A contact is also confirmed by her first reply by SMS or by
acknowledging an alert (``alerts.sms_inbound``, ``alerts.alert_acknowledge``).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.alerts.models import ContactChannel, EmergencyContact, MiaAccount
from violeta.alerts.services.common import conf, page_link, phone_field, sms_queue
from violeta.core.tokens import new_token, token_hash
from violeta.messaging.models import MessageKind
from violeta.messaging.text import fit


def contact_channels() -> list[str]:
    """The channels she may choose for a contact: WhatsApp only where the institute switched it on."""
    if conf("WHATSAPP_ENABLED"):
        return list(ContactChannel.values)
    return [ContactChannel.SMS.value]


def _channel(value: str) -> str:
    if value not in contact_channels():
        raise ValidationError({"channel": _("That channel is not available.")})
    return value


def _principal_clear(account: MiaAccount) -> None:
    """She has one principal contact at most: choosing one unmarks the former (the constraint backs it)."""
    account.contacts.filter(removed_at__isnull=True, is_principal=True).update(is_principal=False)


@transaction.atomic
def contact_add(
    *, account: MiaAccount, name: str, phone: str, channel: str = "sms", principal: bool = False
) -> EmergencyContact:
    """Add a person to her support network (up to 5) and send the invitation SMS. ``channel``: how she receives
    the alerts (SMS, WhatsApp, both); ``principal``: the one called when nobody answers (replaces the former)."""
    MiaAccount.objects.select_for_update().filter(pk=account.pk).first()
    channel = _channel(channel or ContactChannel.SMS)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Write the contact's name.")})
    phone = phone_field(phone)
    if phone == account.phone:
        raise ValidationError({"phone": _("Your own number cannot be one of your contacts.")})
    active = account.contacts.filter(removed_at__isnull=True)
    if active.count() >= conf("MAX_CONTACTS"):
        raise ValidationError(
            _("You can have up to %(n)d contacts.") % {"n": conf("MAX_CONTACTS")}, code="max"
        )
    if active.filter(phone=phone).exists():
        raise ValidationError({"phone": _("That number is already one of your contacts.")})
    invited = account.contacts.filter(invited_at__gte=timezone.now() - timedelta(days=1)).count()
    if invited >= conf("INVITATIONS_PER_DAY"):  # removing and adding again must not text strangers in bulk
        raise ValidationError(
            _("You added too many contacts today. Try again tomorrow."), code="invitation_rate"
        )
    token = new_token(16)  # shown once: in the invitation SMS
    if principal:
        _principal_clear(account)
    contact = EmergencyContact.objects.create(
        account=account,
        name=name[:60],
        phone=phone,
        confirm_token_hash=token_hash(token),
        channel=channel,
        is_principal=principal,
    )
    body = fit(
        _("{name} added you to her support network in the MIA app. Confirm here: {link}"),
        name=account.display_name,
        link=page_link("alerts:contact_confirm", token),
    )
    contact.confirm_token = token  # for the caller that gave it out (the demo data); never stored
    sms_queue(kind=MessageKind.INVITATION, to=phone, body=body)
    return contact


@transaction.atomic
def contact_update(
    *, account: MiaAccount, contact_id: int, channel: str | None = None, principal: bool | None = None
) -> EmergencyContact:
    """Change how a contact receives her alerts, or whether she is the principal one."""
    MiaAccount.objects.select_for_update().filter(pk=account.pk).first()
    contact = account.contacts.filter(pk=contact_id, removed_at__isnull=True).first()
    if contact is None:
        raise ValidationError(_("That contact does not exist."), code="not_found")
    fields = []
    if channel is not None:
        contact.channel = _channel(channel)
        fields.append("channel")
    if principal is not None:
        if principal and not contact.is_principal:
            _principal_clear(account)
        contact.is_principal = principal
        fields.append("is_principal")
    if fields:
        contact.save(update_fields=fields)
    return contact


@transaction.atomic
def contact_remove(*, account: MiaAccount, contact_id: int) -> None:
    updated = account.contacts.filter(pk=contact_id, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("That contact does not exist."), code="not_found")


@transaction.atomic
def contact_confirm(*, token: str, via: str = "link") -> EmergencyContact | None:
    contact = EmergencyContact.objects.filter(
        confirm_token_hash=token_hash(token), removed_at__isnull=True
    ).first()
    if contact and contact.confirmed_at is None:
        contact.confirmed_at = timezone.now()
        contact.save(update_fields=["confirmed_at"])
    return contact
