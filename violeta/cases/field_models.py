"""The intake each institute shapes: how its optional fields are asked, and the institute's own fields.

Data, never code: the director or the system administrator edits them (``cases.field_services``). Imported at
the end of ``cases.models`` so that Django finds the models in the ``cases`` app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.crypto import EncryptedTextField


class FieldVisibility(models.TextChoices):
    HIDDEN = "hidden", _("Hidden")
    OPTIONAL = "optional", _("Optional")
    REQUIRED = "required", _("Required")


class IntakeFieldSetting(models.Model):
    """How the intake asks one of its optional fields (``cases.intake_fields.CONFIGURABLE``): hidden, optional
    or required, under which label and in which place. A field with no row is asked as Violeta ships it."""

    name = models.CharField(_("field"), max_length=40, unique=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=FieldVisibility.choices, default=FieldVisibility.OPTIONAL
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated on"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("intake field setting")
        verbose_name_plural = _("intake field settings")

    def __str__(self):
        return self.name


class CustomFieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice from a list")
    YES_NO = "yes_no", _("Yes or no")
    DATE = "date", _("Date")


class CustomField(models.Model):
    """A field the institute added to its intake and case files ("Ocupación", "Situación migratoria"…).

    Its values belong to each case (``CustomFieldValue``). A retired field is no longer asked, and the values
    already recorded are kept and still shown.
    """

    label = models.CharField(_("label"), max_length=120)
    help_text = models.CharField(_("help text"), max_length=250, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=CustomFieldKind.choices)
    options = models.TextField(_("options"), blank=True, help_text=_("One option per line."))
    required = models.BooleanField(_("required"), default=False)
    at_intake = models.BooleanField(_("asked at the intake"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self):
        return self.label

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class CustomFieldValue(models.Model):
    """A case's answer to one of the institute's own fields. Encrypted: it may tell her story."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="custom_values")
    field = models.ForeignKey(
        CustomField, verbose_name=_("field"), on_delete=models.PROTECT, related_name="values"
    )
    value = EncryptedTextField(_("value"))
    updated_at = models.DateTimeField(_("updated on"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "field"], name="customfieldvalue_unique")]
        verbose_name = _("additional detail")
        verbose_name_plural = _("additional details")
