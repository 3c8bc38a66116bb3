"""The case plan (plan de atención): the goals agreed with her, by area, and the services planned for each.

A plan is approved (or not) through ``cases.approvals`` when the institute configures it so; every change is
kept as a ``PlanRevision`` line a coordinator reads as "who changed what, when".
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.accounts.models import Area
from violeta.core.crypto import EncryptedTextField


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", pgettext_lazy("case plan status", "Approved")


class CasePlan(models.Model):
    """The case's one plan. ``status``: a draft is being written (or was returned, or changed after approval);
    pending waits for approval; approved is the plan in force."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")


class PlanGoal(models.Model):
    """A goal agreed with her, owned by an area (e.g. legal: "obtain custody of her children")."""

    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    description = EncryptedTextField(_("goal agreed with her"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["area__name", "created_at", "id"]
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("plan service status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("plan service status", "Cancelled")


OPEN_SERVICE_STATUSES = (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS)


class PlanService(models.Model):
    """A service planned for a goal: what, who is responsible, by when, its status and its next review."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="services")
    # The goal's case, kept here so "Mis pendientes" finds overdue services in one query.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plan_services")
    description = EncryptedTextField(_("service"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible professional"),
        on_delete=models.PROTECT,
        related_name="plan_services",
    )
    target_date = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "id"]
        indexes = [models.Index(fields=["responsible", "status", "target_date"], name="plan_service_due")]
        verbose_name = _("planned service")
        verbose_name_plural = _("planned services")

    def is_overdue(self, today=None) -> bool:
        return self.status in OPEN_SERVICE_STATUSES and self.target_date < (today or timezone.localdate())


class PlanRevision(models.Model):
    """One change to the plan, as a coordinator reads it: who, when, and what changed (old → new)."""

    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="revisions")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = EncryptedTextField(_("what changed"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
