""" "Acompáñame": her trip timer. She starts it for a trip; if she does not end it with her PIN before its
deadline, the alert is raised by itself, as the button raises it (``alerts.services.timer``).

The server owns the deadline: the sender's sweep (every second) fires the timers past it, whether her phone is
on, asleep or gone. The contacts she chose follow her positions while it runs, each through an unguessable link
whose token only their message carries (the database keeps its SHA-256). The positions are encrypted like an
alert's and deleted when the retention period after the timer ends has passed.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.alerts.positions import Position


class TripTimerStatus(models.TextChoices):
    ACTIVE = "active", _("Running")
    ENDED = "ended", _("Ended with her PIN")
    EXPIRED = "expired", _("Ran out: alert raised")
    DURESS = "duress", _("Ended with the emergency PIN: alert raised")


class TripTimer(models.Model):
    """One trip: from when she starts the timer until she ends it with her PIN, or its deadline raises the alert
    (``status`` expired), or she "ends" it with the duress PIN (``status`` duress: the alert is raised too)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey("alerts.MiaAccount", on_delete=models.CASCADE, related_name="timers")
    client_id = models.CharField(max_length=64, help_text="Idempotency key from the app, unique per account")
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    status = models.CharField(max_length=10, choices=TripTimerStatus.choices, default=TripTimerStatus.ACTIVE)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The alert it raised (ran out, or the duress PIN).
    alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="timers"
    )
    purge_after = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "client_id"], name="timer_unique_client_id"),
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(status="active"), name="timer_one_active"
            ),
        ]
        indexes = [
            # What the expiry sweep reads every second: the deadlines of the running timers.
            models.Index(fields=["deadline"], name="timer_due", condition=models.Q(status="active"))
        ]
        verbose_name = _("trip timer")
        verbose_name_plural = _("trip timers")

    def __str__(self):
        return str(self.public_id)

    @property
    def is_active(self) -> bool:
        return self.status == TripTimerStatus.ACTIVE


class TimerFollower(models.Model):
    """A contact she chose to follow her trip: her own link (token in her message only; its SHA-256 here)."""

    timer = models.ForeignKey(TripTimer, on_delete=models.CASCADE, related_name="followers")
    contact = models.ForeignKey("alerts.EmergencyContact", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    # The message that gave her the link (its state; deleted with this row, as an alert's messages are).
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["timer", "contact"], name="timer_follower_unique")]


class TimerPosition(Position):
    """A position her phone shared while the timer ran. Coordinates encrypted; accuracy and times are not."""

    timer = models.ForeignKey(TripTimer, on_delete=models.CASCADE, related_name="positions")

    class Meta(Position.Meta):
        pass
