"""A voice call when nobody acknowledges an alert: one call to her principal contact, and its outcome.

``voice_sweep`` is run every second by the sender process (registered in ``AlertsConfig.ready``; also by
``messaging_check`` when the sender is down). When ``MIA["VOICE_ENABLED"]``, every active alert that is not a test,
started ``VOICE_AFTER_SECONDS`` ago or more and acknowledged by nobody gets **one** call (an outbox message of the
voice channel) to the contact marked principal, never to another; without one, a line on its timeline says so.
``Alert.voice_call_at`` is set by a conditional update in the same transaction as the call is queued: two sweeps
at once (locked rows are skipped) never call twice. The call's words are her chosen name only.

``voice_outcome_record`` hears the outbox (``messaging.signals.message_status_changed``) and writes the call's
outcome — answered, busy, no answer, failed — on the alert's timeline, once per change of the message's state.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from violeta.alerts.models import Alert, AlertEventKind, AlertMessage, AlertStatus
from violeta.alerts.services.common import conf, sms_queue
from violeta.alerts.services.events import alert_event_record
from violeta.messaging.models import Channel, Message, MessageKind

# Alerts called by one run of the sweep (the sender runs it every second).
SWEEP_MAX = 200

# Twilio's call statuses that end a call, as the monitors read them on the timeline.
OUTCOMES = {
    "in-progress": gettext_lazy("answered"),
    "completed": gettext_lazy("answered"),
    "busy": gettext_lazy("busy"),
    "no-answer": gettext_lazy("no answer"),
    "failed": gettext_lazy("failed"),
    "canceled": gettext_lazy("failed"),
}


def call_words(name: str) -> str:
    """What the call says to her principal contact, in Mexican Spanish (the call speaks es-MX whatever the
    language of the process): her chosen name, nothing else of hers."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "This is a message from MIA. %(name)s needs help. Check the message we sent you: it has the link to "
            "her page. Again: %(name)s needs help."
        ) % {"name": name}


def _call(alert: Alert) -> Message | None:
    """Queue the call of this alert (in the caller's transaction, the alert claimed), or note that there is none."""
    recipient = (
        alert.recipients.filter(contact__is_principal=True, contact__removed_at__isnull=True)
        .select_related("contact")
        .first()
    )
    with translation.override(settings.LANGUAGE_CODE):
        if recipient is None:
            alert_event_record(
                alert=alert, kind=AlertEventKind.VOICE_CALL, detail=_("no call: she has no principal contact")
            )
            return None
        detail = _("calling %(name)s, her principal contact") % {"name": recipient.contact.name}
    message = sms_queue(
        kind=MessageKind.ALERT,
        to=recipient.contact.phone,
        body=call_words(alert.account.display_name),
        alert=alert,
        channel=Channel.VOICE,
    )
    alert_event_record(alert=alert, kind=AlertEventKind.VOICE_CALL, detail=detail, message=message)
    return message


def _due(now: datetime) -> list[Alert]:
    """Active real alerts silent since ``VOICE_AFTER_SECONDS`` without their call yet, locked (another sweep's
    are skipped), oldest first (index ``alert_voice_due``)."""
    return list(
        Alert.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=AlertStatus.ACTIVE,
            is_test=False,
            voice_call_at__isnull=True,
            started_at__lte=now - timedelta(seconds=conf("VOICE_AFTER_SECONDS")),
        )
        .exclude(recipients__acknowledged_at__isnull=False)
        .select_related("account")
        .order_by("started_at", "pk")[:SWEEP_MAX]
    )


@transaction.atomic
def voice_sweep(*, now: datetime | None = None) -> int:
    """Call the principal contact of every silent alert past its ``VOICE_AFTER_SECONDS``, once. Returns how many
    alerts were decided (called, or noted as having no principal contact)."""
    if not conf("VOICE_ENABLED"):
        return 0
    now = now or timezone.now()
    decided = 0
    for alert in _due(now):
        # The claim: only the sweep that sets it calls (a second one, however it raced, updates nothing).
        if Alert.objects.filter(pk=alert.pk, voice_call_at__isnull=True).update(voice_call_at=now):
            _call(alert)
            decided += 1
    return decided


def voice_outcome_record(sender, *, message: Message, provider_status: str, **kwargs) -> None:
    """A voice call's message changed state: its outcome goes on its alert's timeline (in the outbox's
    transaction; ``messaging.signals.message_status_changed``)."""
    if message.channel != Channel.VOICE or provider_status not in OUTCOMES:
        return
    link = AlertMessage.objects.filter(message_id=message.pk).select_related("alert").first()
    if link is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        detail = str(OUTCOMES[provider_status])
    alert_event_record(alert=link.alert, kind=AlertEventKind.VOICE_CALL, detail=detail, message=message)
