"""E-mail as a channel of the outbox (the hand-off of an alert to a dispatch desk's mailbox; docs/mia.md).

``to`` is the address, ``body`` the text. It goes through Django's mail (``EMAIL_BACKEND``, ``DEFAULT_FROM_EMAIL``)
with a neutral subject: a subject is read on lock screens and in mail logs, so it never says who or where.

Mail has no idempotency keys and no delivery reports: the SMTP server taking the message is "sent". ``lookup``
cannot ask, so it says "not there" and the message is sent again; every attempt carries the same ``Message-ID``
(``<outbox-<message id>@violeta>``), which mail servers and clients use to drop a duplicate. A hand-off that
arrives twice is recognisable; one that never arrives is not.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext_lazy as _

from violeta.messaging.backends import BaseSmsBackend, SendResult, SmsError, SmsUnknown

SUBJECT = _("Notice from Violeta")


def message_id_header(idempotency_key: str) -> str:
    """The same for every attempt of one outbox message (the key is ``<message id>:<attempt>``)."""
    return f"<outbox-{idempotency_key.split(':')[0]}@violeta>"


class EmailBackend(BaseSmsBackend):
    def send(self, to, body, idempotency_key):
        header = message_id_header(idempotency_key)
        email = EmailMessage(
            subject=str(SUBJECT),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"Message-ID": header},
        )
        try:
            email.send(fail_silently=False)
        except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:  # maybe taken
            raise SmsUnknown("e-mail: no answer in time") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SmsError(f"e-mail refused: {type(exc).__name__}") from exc
        return SendResult(provider_message_id=f"email:{idempotency_key}"[:64], status="sent")
