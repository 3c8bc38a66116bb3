"""Approvals: which steps of casework wait for a coordinator's or the director's approval, and the requests.

The institute configures the steps (``ApprovalRule``, edited by the director); a step that needs approval waits
as an ``ApprovalRequest`` "pendiente de aprobación" until someone other than who asked approves it (the step then
takes effect, through the step's registered ``apply``: ``cases.approvals``) or returns it with a comment.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.crypto import EncryptedTextField


class ApprovalStep(models.TextChoices):
    CASE_PLAN = "case_plan", _("Case plan")
    CASE_CLOSURE = "case_closure", _("Closing a case file")
    PRIORITY_CLOSURE = "priority_closure", _("Closing a high-risk (priority) case file")
    # Registered by violence (its AppConfig.ready): a risk level set lower than the instrument's score.
    RISK_OVERRIDE = "risk_override", _("Risk level lowered below the score")


class Approver(models.TextChoices):
    NONE = "none", _("No approval: it takes effect at once")
    COORDINATOR = "coordinator", _("The coordinator of the case's area (or the director)")
    DIRECTOR = "director", _("The director")


class ApprovalRule(models.Model):
    """Whether a step needs approval, and whose. A step without a row takes effect at once."""

    step = models.CharField(_("step"), max_length=20, choices=ApprovalStep.choices, unique=True)
    approver = models.CharField(_("who approves"), max_length=12, choices=Approver.choices)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["step"]
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ApprovalRequest(models.Model):
    """A step that waits for approval. ``payload`` is what takes effect when approved (a closing reason's code, an
    assessment's id and level), never her story; ``note`` (why it is asked) and ``comment`` (the decision's) are
    encrypted. A returned request stays as it was; asking again makes a new request."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="approval_requests")
    step = models.CharField(_("step"), max_length=20, choices=ApprovalStep.choices)
    approver = models.CharField(_("who approves"), max_length=12, choices=Approver.choices)
    # The area whose coordinator decides (the requester's area); none: any coordinator of the case's areas.
    area = models.ForeignKey(
        "accounts.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    note = EncryptedTextField(_("why it is asked"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    comment = EncryptedTextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "step"], name="approval_status_step")]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING
