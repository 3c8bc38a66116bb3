"""What the MIA service modules share: settings, phone parsing, the links the SMS carry, and the outbox.

``sms_queue`` opens no transaction of its own: it writes in the caller's, so a message commits with the change
it announces (or not at all).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from violeta.alerts.models import AlertMessage
from violeta.core.validators import parse_phone
from violeta.messaging.models import Message
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


def sms_queue(*, kind: str, to: str, body: str, alert=None, recipient=None, channel: str = "sms") -> Message:
    """Put a message in the outbox (violeta.messaging), in the caller's transaction; link it to its alert."""
    message = message_queue(kind=kind, to=to, body=body, channel=channel)
    if alert is not None:
        AlertMessage.objects.create(message=message, alert=alert, recipient=recipient)
    return message
