"""MIA's side of the SMS fallback (``violeta.messaging.fallback``): the SMS that replaces a WhatsApp message not
delivered in time belongs to the same alert and recipient, and the alert's timeline says so."""

from django.utils.translation import gettext as _

from violeta.alerts.models import AlertEventKind, AlertMessage
from violeta.alerts.services.common import conf
from violeta.alerts.services.events import alert_event_record


def fallback_link(*, original, fallback, **_kwargs) -> None:
    """Receiver of ``fallback_queued``, in the sweep's transaction: link the SMS and write the timeline line."""
    link = AlertMessage.objects.filter(message_id=original.pk).first()
    if link is None:  # not a message of an alert
        return
    AlertMessage.objects.create(message=fallback, alert_id=link.alert_id, recipient_id=link.recipient_id)
    if original.status in ("failed", "undelivered", "gave_up"):
        detail = _("WhatsApp reported the message failed: sent again by SMS.")
    else:
        detail = _("WhatsApp message not delivered within %(n)d s: sent again by SMS.") % {
            "n": conf("WHATSAPP_FALLBACK_SECONDS")
        }
    alert_event_record(alert=link.alert, kind=AlertEventKind.FALLBACK, detail=detail, message=fallback)
