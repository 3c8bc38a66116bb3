"""The outbox: every text message Violeta sends is a row here, and the rows are the queue.

The sender process (``manage.py messaging_sender``, ``violeta.messaging.sender``) claims due rows with a lease,
hands them to the provider and records the result. No task row stands between a message and its sending, so
nothing can be stranded: a row whose lease ran out is recovered by asking the provider what happened to it.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.crypto import EncryptedTextField


class MessageKind(models.TextChoices):
    OTP = "otp", _("Verification code")
    INVITATION = "invitation", _("Invitation")
    ALERT = "alert", _("Alert")
    LOCATION = "location", _("Location available")
    CANCELLED = "cancelled", _("Alert cancelled")
    REMINDER = "reminder", _("Reminder")
    # An alert handed to 9-1-1 / C4 (a webhook, an e-mail or an SMS to the dispatch desk).
    DISPATCH = "dispatch", _("Hand-off to 9-1-1")
    TIMER = "timer", _("Trip timer: follow her")


class Channel(models.TextChoices):
    """How a message travels; each has its backend (``violeta.messaging.backends``)."""

    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    VOICE = "voice", _("Voice call")
    WEBHOOK = "webhook", _("Webhook")
    EMAIL = "email", _("E-mail")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    # The provider says the person opened it (WhatsApp's read receipts): more final than delivered.
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")
    UNDELIVERED = "undelivered", _("Undelivered")
    GAVE_UP = "gave_up", _("Gave up")
    # Taken back before the sender claimed it (her consent to SMS withdrawn): never sent, never retried.
    WITHDRAWN = "withdrawn", _("Withdrawn before sending")


DUE_STATUSES = (MessageStatus.PENDING, MessageStatus.FAILED)


class Message(models.Model):
    """One text message to one phone.

    ``attempt`` counts provider submissions; the idempotency key of a submission is ``<id>:<attempt>``. A row
    in "sending" is held by a sender until ``lease_until``; after that anyone may recover it, by asking the
    provider whether that submission went out before sending again.
    """

    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    # ``db_default`` too: the hot path's raw INSERT (alerts.services.alerts) may leave it out.
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SMS, db_default="sms")
    # A phone number for SMS, WhatsApp and voice; an address for e-mail; the destination's name for a webhook.
    to_phone = models.CharField(max_length=254)
    body = EncryptedTextField()
    status = models.CharField(max_length=12, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempt = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True, db_index=True)
    provider_status = models.CharField(max_length=20, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When a sent message's delivery was last asked of the provider (backends that report delivery).
    checked_at = models.DateTimeField(null=True, blank=True)
    # When the monitors were told that it gave up (violeta.messaging.alarms), once.
    alarm_sent_at = models.DateTimeField(null=True, blank=True)
    # A message that goes again by SMS if not delivered by then (a WhatsApp one; violeta.messaging.fallback).
    # Cleared when the fallback is queued or found unnecessary.
    fallback_due_at = models.DateTimeField(null=True, blank=True)
    # The SMS that replaced this one: unique, so a message falls back once whatever runs the sweep.
    fallback_of = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="fallback"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [
            # What the sender claims: due rows in order. Partial, so it stays as small as the backlog.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="message_due",
                condition=Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["lease_until"], name="message_leased", condition=Q(status="sending")),
            models.Index(fields=["sent_at"], name="message_unconfirmed", condition=Q(status="sent")),
            models.Index(fields=["status"], name="message_status"),
            # What the fallback sweep reads every second: only messages whose fallback is still open.
            models.Index(
                fields=["fallback_due_at"],
                name="message_fallback_due",
                condition=Q(fallback_due_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def idempotency_key(self) -> str:
        return f"{self.pk}:{self.attempt}"


class ProviderReport(models.Model):
    """A delivery report that arrived before the sender recorded the provider's id (the provider answered the
    callback faster than its own HTTP response reached us). Kept and applied when the id is recorded."""

    provider_message_id = models.CharField(max_length=64, unique=True)
    provider_status = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)


class SenderHeartbeat(models.Model):
    """A running sender process says it is alive. ``/readyz`` and ``messaging_check`` read the freshest beat."""

    name = models.CharField(max_length=120, unique=True)  # host:pid
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent = models.PositiveBigIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)


class AlarmKind(models.TextChoices):
    SENDER = "sender", _("The sender stopped")
    OUTBOX = "outbox", _("Messages waiting too long")


class Alarm(models.Model):
    """One episode of trouble with the outbox, so that the monitors on duty are e-mailed once per episode, not
    on every check (``violeta.messaging.alarms``): raised when the condition is first seen, cleared when it is
    gone; the next failure is a new episode. At most one open episode per kind (a constraint: two checks racing
    raise it once)."""

    kind = models.CharField(max_length=12, choices=AlarmKind.choices)
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    # When the monitors on duty were e-mailed (empty while nobody was on duty to tell: told when someone is).
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("outbox alarm")
        verbose_name_plural = _("outbox alarms")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(cleared_at__isnull=True), name="alarm_one_open_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.raised_at:%Y-%m-%d %H:%M:%S})"
