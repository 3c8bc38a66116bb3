"""MIA: the alert app. A woman's account, her support network, her alerts, and which messages were sent for them.

Locations are the most sensitive data Violeta holds: encrypted at rest, kept only for the retention period
after the alert closes (``settings.MIA["LOCATION_RETENTION_DAYS"]``), then deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.alerts.positions import Position
from violeta.core.crypto import EncryptedTextField


class AppDisguise(models.TextChoices):
    """A neutral name and icon for the installed app, so it does not give her away."""

    MIA = "mia", _("MIA")
    NOTES = "notes", _("Notes")
    WEATHER = "weather", _("Weather")
    CALCULATOR = "calculator", _("Calculator")


class MiaAccount(models.Model):
    """A woman who uses the MIA app. She signs up with her phone number only; her case file link is optional."""

    phone = models.CharField(_("phone"), max_length=20, unique=True)
    display_name = models.CharField(_("name for her contacts"), max_length=30)
    pin_hash = models.CharField(max_length=128)
    duress_pin_hash = models.CharField(max_length=128, blank=True)
    disguise = models.CharField(
        _("app name"), max_length=12, choices=AppDisguise.choices, default=AppDisguise.MIA
    )
    countdown_seconds = models.PositiveSmallIntegerField(_("countdown (seconds)"), default=5)
    update_interval_seconds = models.PositiveSmallIntegerField(
        _("location updates every (seconds)"), default=120
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="mia_accounts"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    pin_failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("MIA account")
        verbose_name_plural = _("MIA accounts")

    def __str__(self):
        return f"MIA #{self.pk}"


class MiaDevice(models.Model):
    """A signed-in app (browser or phone). The bearer token is shown once and stored only as a hash."""

    account = models.ForeignKey(MiaAccount, on_delete=models.CASCADE, related_name="devices")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class PhoneVerification(models.Model):
    """A one-time code sent by SMS to prove she holds the phone. Expires, and allows few attempts."""

    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)


class ContactChannel(models.TextChoices):
    """How a contact receives her alerts (WhatsApp only where the institute switched it on)."""

    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    BOTH = "both", _("SMS and WhatsApp")


class EmergencyContact(models.Model):
    """A person of her support network (red de apoyo) who receives her alerts by SMS, WhatsApp or both."""

    account = models.ForeignKey(MiaAccount, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    # The SHA-256 of the token in the invitation SMS's link (shown once; violeta.core.tokens).
    confirm_token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(
        _("receives alerts by"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.SMS,
        db_default="sms",
    )
    # The one who gets a phone call when nobody acknowledges an alert (at most one per account).
    is_principal = models.BooleanField(_("principal contact"), default=False, db_default=False)
    invited_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "phone"],
                condition=models.Q(removed_at__isnull=True),
                name="contact_unique_phone",
            ),
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(removed_at__isnull=True, is_principal=True),
                name="contact_one_principal",
            ),
        ]

    def __str__(self):
        return self.name


class AlertStatus(models.TextChoices):
    # In their own context: Spanish says them of "la alerta" (feminine), unlike the same words of a case file.
    ACTIVE = "active", pgettext_lazy("alert status", "Active")
    CANCELLED = "cancelled", pgettext_lazy("alert status", "Cancelled")
    CLOSED = "closed", pgettext_lazy("alert status", "Closed")


class Outcome(models.TextChoices):
    FALSE_ALARM = "false_alarm", _("False alarm")
    HELPED_BY_CONTACT = "helped_by_contact", _("Helped by a contact")
    POLICE_ATTENDED = "police_attended", _("Police attended")
    STAFF_CONTACTED = "staff_contacted", _("Institute staff contacted her")
    UNREACHABLE = "unreachable", _("Could not be reached")
    OTHER = "other", _("Other")


class Alert(models.Model):
    """One press of the alert button. Active until she cancels it with her PIN or staff close it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_id = models.CharField(max_length=64, help_text="Idempotency key from the app, unique per account")
    account = models.ForeignKey(MiaAccount, on_delete=models.PROTECT, related_name="alerts")
    status = models.CharField(
        max_length=10, choices=AlertStatus.choices, default=AlertStatus.ACTIVE, db_index=True
    )
    is_duress = models.BooleanField(_("duress"), default=False)
    # A test she sent to check that her network receives it: "PRUEBA" in every message and in the console.
    is_test = models.BooleanField(_("test"), default=False, db_default=False)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(_("note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    # A link asked for by someone who may not see the case (a monitor): the case's team confirms or declines it.
    pending_case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pending_case_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purge_after = models.DateTimeField(null=True, blank=True, db_index=True)
    # When it is raised in the console if nobody has acknowledged it (the sender's escalation sweep).
    escalate_at = models.DateTimeField(null=True, blank=True)
    # When the voice sweep decided this alert's one call to her principal contact (placed, or none for want of
    # one): set once, by a conditional update, so two sweeps never call twice (alerts.services.voice).
    voice_call_at = models.DateTimeField(null=True, blank=True)
    messages = models.ManyToManyField("messaging.Message", through="AlertMessage", related_name="+")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "client_id"], name="alert_unique_client_id")
        ]
        indexes = [
            # What the escalation sweep reads every second: active alerts not yet raised, by deadline.
            models.Index(
                fields=["escalate_at"],
                name="alert_escalation_due",
                condition=models.Q(status="active", escalated_at__isnull=True),
            ),
            # What the voice sweep reads every second: active real alerts without their call yet, oldest first.
            models.Index(
                fields=["started_at"],
                name="alert_voice_due",
                condition=models.Q(status="active", is_test=False, voice_call_at__isnull=True),
            ),
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return str(self.public_id)

    @property
    def is_active(self) -> bool:
        return self.status == AlertStatus.ACTIVE


class AlertRecipient(models.Model):
    """One contact's copy of an alert: her own unguessable link to the live page, and her acknowledgement.

    The link's token is in her alert SMS only (the outbox encrypts it); the database keeps its SHA-256.
    """

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(EmergencyContact, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_via = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "contact"], name="recipient_unique")]


class AlertLocation(Position):
    """A position sent by her phone during an alert. The coordinates are encrypted; accuracy and times are not."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="locations")

    class Meta(Position.Meta):
        pass


class AlertMessage(models.Model):
    """Which outbox message was sent for which alert, and to which of its recipients (the outbox itself, in
    ``violeta.messaging``, knows nothing of alerts)."""

    message = models.OneToOneField(
        "messaging.Message", on_delete=models.CASCADE, primary_key=True, related_name="alert_link"
    )
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="message_links")
    recipient = models.ForeignKey(
        AlertRecipient, on_delete=models.CASCADE, null=True, blank=True, related_name="message_links"
    )


class AlertEventKind(models.TextChoices):
    """What else happened to an alert, beside its messages, locations and acknowledgements."""

    FALLBACK = "fallback", _("Sent again by SMS")
    VOICE_CALL = "voice_call", _("Voice call")
    DISPATCH = "dispatch", _("Handed to 9-1-1")
    TIMER = "timer", _("Trip timer")
    NOTE = "note", _("Note")


class AlertEvent(models.Model):
    """A line of the alert's timeline in the console (``alerts.services.events.alert_event_record``): a fallback
    SMS, a voice call and its outcome, a hand-off to 9-1-1, the trip timer that raised it. ``detail`` is shown to
    the monitors: never where she is. ``message``: the outbox message it sent, whose state the console shows."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12, choices=AlertEventKind.choices)
    detail = models.CharField(max_length=200, blank=True)
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M:%S})"


class AlertDispatch(models.Model):
    """A hand-off of an alert to 9-1-1 / C4 (``alerts.services.dispatch``), in parallel with her contacts, never
    instead: the outbox message that carried it (its delivery is tracked like any other), and the dispatcher's
    own link to the live page (its SHA-256 only; valid while the alert is active). ``automatic``: sent by the
    rule for high-risk cases with a protection order in force, at most once per alert (the constraint)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="dispatches")
    at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10)
    message = models.OneToOneField(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    automatic = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert"], condition=models.Q(automatic=True), name="dispatch_automatic_once"
            )
        ]
        verbose_name = _("hand-off to 9-1-1")
        verbose_name_plural = _("hand-offs to 9-1-1")


# "Acompáñame", the trip timer: its own module, part of this app's models.
from violeta.alerts.timer_models import (  # noqa: E402, F401
    TimerFollower,
    TimerPosition,
    TripTimer,
    TripTimerStatus,
)
