from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def visible(self):
        """Delivered (their time has come) and not withdrawn."""
        return self.filter(deliver_at__lte=timezone.now(), cancelled_at__isnull=True)

    def unread(self):
        return self.visible().filter(read_at__isnull=True)


class Notification(models.Model):
    """A notice for one staff member, in Violeta's inbox and by e-mail with a neutral subject.

    Reminders are notices with a future ``deliver_at``: they appear (and are e-mailed) when it comes. A ``key``
    names what a notice is about ("legal.hearing:42:day-before"), so rescheduling the hearing replaces the
    reminder instead of adding a second one, and cancelling it withdraws it.

    A notice about a case carries its ``case_id``: it is given only to staff who may see the case, and hidden
    from anyone who no longer may (she left the team, the case went under the internal protocol).

    The message is shown inside Violeta only, behind the login: it may name a folio but never a person, a
    narrative or anything else from the file. The e-mail carries none of it, only a link to the inbox.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(max_length=120, blank=True)
    # The case the notice is about, if any (an id, like the audit log's: this app sits below cases). Notices
    # about a case are created for, and shown to, only the staff who may see it (``visibility``).
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    deliver_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-deliver_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "deliver_at"], name="notif_inbox_idx"),
            models.Index(fields=["emailed_at", "deliver_at"], name="notif_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="notif_one_per_key"
            )
        ]

    def __str__(self):
        return self.message
