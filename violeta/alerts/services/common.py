"""What the MIA service modules share: settings, phone parsing, the links the SMS carry, and the outbox.

``sms_queue`` opens no transaction of its own: it writes in the caller's, so a message commits with the change
it announces (or not at all).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from violeta.alerts.models import AlertMessage, ContactChannel
from violeta.core.validators import parse_phone
from violeta.messaging.backends.whatsapp import template_body
from violeta.messaging.models import Channel, Message
from violeta.messaging.services import message_queue


def conf(key: str):
    return settings.MIA[key]


def page_link(name: str, token: str) -> str:
    """The absolute link of a page that takes a token (the live page, a contact's confirmation)."""
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"token": token})


def phone_field(value: str) -> str:
    """A phone number in E.164, or a ValidationError on the ``phone`` field."""
    try:
        return parse_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


def test_mark(text: str, *, test: bool) -> str:
    """The text of a message of a test alert begins with "PRUEBA", so that nobody takes it for a real one. Every
    message of an alert goes through here (before ``fit``: the mark is never cut)."""
    return _("TEST · %(text)s") % {"text": text} if test else text


def sms_queue(
    *,
    kind: str,
    to: str,
    body: str,
    alert=None,
    recipient=None,
    channel: str = "sms",
    fallback_after: float | None = None,
) -> Message:
    """Put a message in the outbox (violeta.messaging), in the caller's transaction; link it to its alert."""
    message = message_queue(kind=kind, to=to, body=body, channel=channel, fallback_after=fallback_after)
    if alert is not None:
        AlertMessage.objects.create(message=message, alert=alert, recipient=recipient)
    return message


def channels_of(contact_channel: str) -> list[str]:
    """The outbox channels a contact's preference means: SMS, WhatsApp, or both (everything is SMS while the
    institute has not switched WhatsApp on)."""
    if not conf("WHATSAPP_ENABLED") or contact_channel == ContactChannel.SMS:
        return [Channel.SMS]
    if contact_channel == ContactChannel.BOTH:
        return [Channel.SMS, Channel.WHATSAPP]
    return [Channel.WHATSAPP]


def fallback_after(contact_channel: str) -> float | None:
    """A WhatsApp-only contact's message goes again by SMS if not delivered in time; "both" already has one."""
    return conf("WHATSAPP_FALLBACK_SECONDS") if contact_channel == ContactChannel.WHATSAPP else None


def whatsapp_body(*, kind: str, test: bool, text: str, params: list[str]) -> str:
    """A WhatsApp message of MIA: the approved template of its kind (the "_test" one for a test alert, whose text
    says PRUEBA) with only her chosen name and the link as parameters; ``text`` is the SMS (fallback, console)."""
    template = settings.WHATSAPP_TEMPLATES[f"{kind}_test" if test else kind]
    return template_body(template=template, params=params, text=text)


def contact_queue(*, kind: str, contact, text: str, params: list[str], alert, recipient) -> list[Message]:
    """One message to a contact of an alert on each of her channels, in the caller's transaction: the SMS
    ``text``, or the WhatsApp template with ``params`` (her chosen name, and the link when there is one)."""
    queued = []
    for channel in channels_of(contact.channel):
        body = text
        if channel == Channel.WHATSAPP:
            body = whatsapp_body(kind=kind, test=alert.is_test, text=text, params=params)
        queued.append(
            sms_queue(
                kind=kind,
                to=contact.phone,
                body=body,
                alert=alert,
                recipient=recipient,
                channel=channel,
                fallback_after=fallback_after(contact.channel) if channel == Channel.WHATSAPP else None,
            )
        )
    return queued
