"""Training requests: an organisation asks for a training on the public site (issue 19); program staff handle it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.programs.models.trainings import Organization, OrganizationKind, Topic, Training

# The kinds an organisation chooses on the public form.
REQUEST_KINDS = [
    (kind.value, kind.label)
    for kind in (
        OrganizationKind.COMPANY,
        OrganizationKind.SCHOOL,
        OrganizationKind.ASSOCIATION,
        OrganizationKind.GOVERNMENT,
    )
]


class RequestStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("training request status", "New")
    CONTACTED = "contacted", _("Contacted")
    SCHEDULED = "scheduled", _("Scheduled as a training")
    DECLINED = "declined", _("Declined")


class TrainingRequest(models.Model):
    """What an organisation asked for, who to call back, and how the program staff handled it."""

    organization_name = models.CharField(_("organisation"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=REQUEST_KINDS)
    contact_name = models.CharField(_("contact name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    people = models.PositiveIntegerField(_("number of people"))
    preferred_dates = models.CharField(_("preferred dates"), max_length=200, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW, db_index=True
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_requests",
    )
    training = models.ForeignKey(
        Training,
        verbose_name=_("training"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")

    def __str__(self):
        return self.organization_name
