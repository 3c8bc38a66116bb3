from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("consulta")
    CREATE = "create", _("alta")
    UPDATE = "update", _("modificación")
    EXPORT = "export", _("exportación")
    LOGIN = "login", _("inicio de sesión")
    LOGOUT = "logout", _("cierre de sesión")
    LOGIN_FAILED = "login_failed", _("intento de acceso fallido")
    ACCESS_DENIED = "access_denied", _("acceso denegado")
    BREAK_GLASS = "break_glass", _("acceso de emergencia")


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

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger refuses them too, so not
    even a database user with table rights can rewrite history. Rows name objects by type and id only;
    nothing personal is copied here, so the log itself is safe to show to the director.
    """

    at = models.DateTimeField(_("fecha y hora"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quién"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("cuenta"), max_length=254, blank=True)
    action = models.CharField(_("acción"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("tipo de objeto"), max_length=60, blank=True)
    object_id = models.CharField(_("id del objeto"), max_length=64, blank=True)
    case_id = models.BigIntegerField(_("expediente"), null=True, blank=True, db_index=True)
    detail = models.CharField(_("detalle"), max_length=255, blank=True)
    flagged = models.BooleanField(_("para revisión"), default=False, db_index=True)
    request_id = models.CharField(_("id de la petición"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("eventos de auditoría")
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
