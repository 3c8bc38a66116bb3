"""Writes of cards: issuing one for an approved application, delivery, renewal, replacement, cancellation, and
texting her the link to her digital card.

One transaction each, with the audit record inside it. A card number is drawn at random; a number already
taken is drawn again inside a savepoint of that transaction (``_new_card``). ``card_link_send`` queues its SMS
in the outbox (violeta.messaging) inside its transaction.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.card import numbers
from violeta.card.documents import holder_url
from violeta.card.models import ApplicationEvent, ApplicationStatus, Card, CardApplication, CardStatus
from violeta.card.permissions import require_office
from violeta.card.services.applications import set_status
from violeta.messaging.models import MessageKind
from violeta.messaging.services import message_queue


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _new_card(*, application, by, valid_from: date, valid_until: date, replaces=None) -> Card:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Card.objects.create(
                    application=application,
                    number=numbers.new_card_number(),
                    issued_by=by,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    replaces=replaces,
                )
        except IntegrityError:  # a random number already taken (about 1 in 10^14): draw again
            continue
    raise RuntimeError("could not draw a free card number")


@transaction.atomic
def card_issue(*, application: CardApplication, by, today: date | None = None) -> Card:
    """Issue the card of an approved application: number, tokens, validity."""
    require_office(by)
    if application.status != ApplicationStatus.APPROVED:
        raise ValidationError(_("Only an approved application can be given a card."), code="state")
    today = today or timezone.localdate()
    card = _new_card(
        application=application,
        by=by,
        valid_from=today,
        valid_until=_years_later(today, settings.CARD["VALIDITY_YEARS"]),
    )
    set_status(application, status=ApplicationStatus.CARD_ISSUED, by=by)
    audit_record(actor=by, action=Action.CREATE, obj=card, detail="tarjeta emitida")
    return card


@transaction.atomic
def card_deliver(*, card: Card, by) -> Card:
    require_office(by)
    if card.status != CardStatus.ACTIVE or card.delivered_at:
        raise ValidationError(_("This card cannot be marked as delivered."), code="state")
    card.delivered_at = timezone.now()
    card.save(update_fields=["delivered_at"])
    application = card.application
    if application.status == ApplicationStatus.CARD_ISSUED:
        set_status(application, status=ApplicationStatus.DELIVERED, by=by)
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="tarjeta entregada")
    return card


@transaction.atomic
def card_renew(*, card: Card, by, today: date | None = None) -> Card:
    """Extend an active card's validity by the program's period, counted from today or its end date."""
    require_office(by)
    if card.status != CardStatus.ACTIVE:
        raise ValidationError(_("Only an active card can be renewed."), code="state")
    today = today or timezone.localdate()
    card.valid_until = _years_later(max(today, card.valid_until), settings.CARD["VALIDITY_YEARS"])
    card.save(update_fields=["valid_until"])
    ApplicationEvent.objects.create(
        application=card.application, status=card.application.status, by=by, note=_("Card renewed")
    )
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="tarjeta renovada")
    return card


@transaction.atomic
def card_replace(*, card: Card, by, reason: str) -> Card:
    """A new card (new number, new QR) for a lost or damaged one; the old one stops working at once."""
    require_office(by)
    if card.status != CardStatus.ACTIVE:
        raise ValidationError(_("Only an active card can be replaced."), code="state")
    if not reason.strip():
        raise ValidationError(_("Write why the card is replaced (lost, stolen, damaged)."), code="reason")
    card.status = CardStatus.REPLACED
    card.ended_at = timezone.now()
    card.ended_reason = reason.strip()[:255]
    card.save(update_fields=["status", "ended_at", "ended_reason"])
    new = _new_card(
        application=card.application,
        by=by,
        valid_from=timezone.localdate(),
        valid_until=card.valid_until,
        replaces=card,
    )
    ApplicationEvent.objects.create(
        application=card.application,
        status=card.application.status,
        by=by,
        note=_("Card replaced: %(reason)s") % {"reason": reason.strip()},
    )
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="tarjeta reemplazada")
    audit_record(actor=by, action=Action.CREATE, obj=new, detail="tarjeta de reemplazo")
    return new


@transaction.atomic
def card_cancel(*, card: Card, by, reason: str) -> Card:
    require_office(by)
    if card.status != CardStatus.ACTIVE:
        raise ValidationError(_("Only an active card can be cancelled."), code="state")
    if not reason.strip():
        raise ValidationError(_("Write the reason for the cancellation."), code="reason")
    card.status = CardStatus.CANCELLED
    card.ended_at = timezone.now()
    card.ended_reason = reason.strip()[:255]
    card.save(update_fields=["status", "ended_at", "ended_reason"])
    ApplicationEvent.objects.create(
        application=card.application,
        status=card.application.status,
        by=by,
        note=_("Card cancelled: %(reason)s") % {"reason": reason.strip()},
    )
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="tarjeta cancelada")
    return card


@transaction.atomic
def card_link_send(*, card: Card, by) -> None:
    """Text her the link to her digital card, through the MIA SMS outbox (sent by the worker, retried).

    Only when her application recorded that she accepts text messages. The text names the program and carries
    the link, nothing else: no name, no number, no address.
    """
    require_office(by)
    if card.status != CardStatus.ACTIVE:
        raise ValidationError(_("Only an active card can be sent."), code="state")
    if not card.application.accepts_sms:
        raise ValidationError(
            _(
                "She did not accept text messages in her application: give her the link or the printed card "
                "in person."
            ),
            code="no_sms_consent",
        )
    body = _("Your Mi apoyo, Mi bienestar card is ready. Open it on your phone: %(url)s") % {
        "url": holder_url(card)
    }
    message_queue(kind=MessageKind.REMINDER, to=card.application.phone, body=body)
    ApplicationEvent.objects.create(
        application=card.application,
        status=card.application.status,
        by=by,
        note=_("Digital card link sent by SMS"),
    )
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="enlace de tarjeta digital por SMS")
