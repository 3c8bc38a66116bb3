from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("view")
    CREATE = "create", _("creation")
    UPDATE = "update", _("update")
    EXPORT = "export", _("export")
    LOGIN = "login", _("sign-in")
    LOGOUT = "logout", _("sign-out")
    LOGIN_FAILED = "login_failed", _("failed sign-in attempt")
    ACCESS_DENIED = "access_denied", _("access denied")
    BREAK_GLASS = "break_glass", _("emergency access")
    DELETE = "delete", _("deletion")
    LOOKUP = "lookup", _("registry lookup")
    MFA_FAILED = "mfa_failed", _("failed second-factor attempt")
    LOCKOUT = "lockout", _("account locked")
    PASSWORD_RESET = "password_reset", _("password reset")
    ROLE_GRANT = "role_grant", _("role change")
    SESSIONS_ENDED = "sessions_ended", _("sessions ended")


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")

    def for_case(self, case_id: int, person_ids=()):
        """Events about the case and its parts, and reads of the people in it."""
        rule = models.Q(case_id=case_id)
        if person_ids:
            rule |= models.Q(object_type="people.person", object_id__in=[str(pk) for pk in person_ids])
        return self.filter(rule).select_related("actor").order_by("-at", "-id")


class AuditEvent(models.Model):
    """One read or write of personal data, or one sign-in event: who, what, when, from where.

    Append-only: the model refuses updates and deletes, and on PostgreSQL triggers refuse UPDATE, DELETE and
    TRUNCATE too; the application connects as a role that does not own the table (so it cannot disable them).
    Tamper-evident: each row carries the hash of the one before it (``chain.py``), which ``audit_verify`` walks. Rows name objects by type and id only;
    nothing personal is copied here, so the log itself is safe to show to the director.
    """

    at = models.DateTimeField(_("date and time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("account"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    case_id = models.BigIntegerField(_("case file"), null=True, blank=True, db_index=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    flagged = models.BooleanField(_("for review"), default=False, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    # The hash chain (violeta/audit/chain.py): the event's place, the previous event's hash and its own.
    seq = models.BigIntegerField(_("sequence"), null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")
