"""Social work: needs assessments, applications made on her behalf (scholarships, programs) and orientation given.

What the case team reads and what only social work reads (see socialwork.selectors): the team sees the levels of
need, the applications (program, institution, status, dates) and the orientation topics, because the other
areas plan around them; the free-text notes of all three are for social work (and the director) only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.core.crypto import EncryptedTextField

SOCIAL_WORK_AREA = "trabajo-social"


class NeedDimension(models.TextChoices):
    HOUSING = "housing", _("Housing")
    INCOME = "income", _("Income and work")
    HEALTH = "health", _("Health")
    SCHOOL = "school", _("School (hers or her children's)")
    DOCUMENTS = "documents", _("Identity documents")


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    SOME = "some", _("Some need")
    URGENT = "urgent", _("Urgent need")


class NeedsAssessment(models.Model):
    """Social work's assessment of her needs on a date: one row (NeedItem) per dimension."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs_assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")


class NeedItem(models.Model):
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="items")
    dimension = models.CharField(_("dimension"), max_length=12, choices=NeedDimension.choices)
    level = models.CharField(_("level"), max_length=8, choices=NeedLevel.choices)
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="socialwork_needitem_unique")
        ]


class ApplicationKind(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Scholarship")
    PROGRAM = "program", _("Government program")
    SUPPORT = "support", _("Economic or in-kind support")
    OTHER = "other", _("Other")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending (being prepared)")
    SUBMITTED = "submitted", _("Submitted, awaiting answer")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OUTCOME_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)


class Application(models.Model):
    """An application made on her behalf to a program or scholarship, and its outcome."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="social_applications")
    kind = models.CharField(_("kind"), max_length=12, choices=ApplicationKind.choices)
    program = models.CharField(_("program or scholarship"), max_length=150)
    institution = models.CharField(_("institution"), max_length=150)
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    @property
    def is_open(self) -> bool:
        return self.status not in OUTCOME_STATUSES


class OrientationTopic(models.TextChoices):
    RIGHTS = "rights", _("Her rights")
    LEGAL = "legal", _("Legal procedures")
    HEALTH = "health", _("Health services")
    EDUCATION = "education", _("Education and scholarships")
    EMPLOYMENT = "employment", _("Work and income")
    HOUSING = "housing", _("Housing")
    PROGRAMS = "programs", _("Social programs")
    CHILDCARE = "childcare", _("Childcare")
    DOCUMENTS = "documents", _("Identity documents")
    OTHER = "other", _("Other")


class Orientation(models.Model):
    """Orientation given to her on a topic (where to go, what to take, what she is entitled to)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="orientations")
    topic = models.CharField(_("topic"), max_length=12, choices=OrientationTopic.choices)
    given_on = models.DateField(_("date"))
    notes = EncryptedTextField(_("notes"), blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
