"""IMM en tu empresa (visits to companies) and campaigns with their events: what reached whom, in counts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.programs.models.trainings import AgeGroup, Organization, OrganizationKind, Program, Sex

# --- IMM en tu empresa: visits to companies (issue 17, item 4) ------------------------------------------------


class CompanyVisit(models.Model):
    """A visit of the institute to a company (IMM en tu empresa): what was offered and how many women it reached.

    The consultations given there are recorded in each woman's case file (``cases.Consultation``, modality "at
    her workplace"); the visit keeps only their number. Who consulted is never shown with the visit, and the
    company has no way in.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("company"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("date of the visit"))
    offered_talk = models.BooleanField(_("talk"), default=False)
    offered_legal = models.BooleanField(_("legal advice"), default=False)
    offered_psychology = models.BooleanField(_("psychological care"), default=False)
    women_reached = models.PositiveIntegerField(_("women reached"), default=0)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("About the visit, never about a woman who consulted.")
    )
    consultation_count = models.PositiveIntegerField(_("individual consultations"), default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit to a company")
        verbose_name_plural = _("visits to companies")

    def __str__(self):
        return f"{self.organization} · {self.visited_on:%d/%m/%Y}"

    @property
    def offered(self) -> list[str]:
        """What was offered, in words."""
        fields = ("offered_talk", "offered_legal", "offered_psychology")
        return [str(self._meta.get_field(name).verbose_name) for name in fields if getattr(self, name)]

    def clean(self):
        if self.organization_id and self.organization.kind != OrganizationKind.COMPANY:
            raise ValidationError({"organization": _("Visits of IMM at your company are to companies.")})
        if not (self.offered_talk or self.offered_legal or self.offered_psychology):
            raise ValidationError(_("Say what was offered at the visit: a talk, legal advice or psychology."))
        if self.visited_on and self.visited_on > timezone.localdate():
            raise ValidationError(
                {"visited_on": _("A visit is recorded once it was made: the date cannot be in the future.")}
            )


class VisitConsultation(models.Model):
    """Which consultation of a case file was given at which visit. Read only through
    ``visit_selectors.visit_consultations``, which shows each one only to who may see its case file."""

    visit = models.ForeignKey(CompanyVisit, on_delete=models.PROTECT, related_name="consultation_links")
    consultation = models.OneToOneField(
        "cases.Consultation", on_delete=models.PROTECT, related_name="company_visit_link"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consultation at a visit")
        verbose_name_plural = _("consultations at visits")


# --- Campaigns and their events (issue 17, item 7) --------------------------------------------------------------


class Campaign(models.Model):
    """A prevention campaign (16 días de activismo) with its dates; its events carry the reach."""

    name = models.CharField(_("name"), max_length=150)
    program = models.CharField(_("program"), max_length=20, choices=Program.choices, default=Program.CAMPAIGN)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})


class EventKind(models.TextChoices):
    MARCH = "march", _("March")
    TALK = "talk", _("Talk")
    FAIR = "fair", _("Fair")
    WORKSHOP = "workshop", _("Workshop")
    BROADCAST = "broadcast", _("Broadcast (radio, TV, social media)")
    CULTURAL = "cultural", _("Cultural event")
    OTHER = "other", pgettext_lazy("event kind", "Other")


class CampaignEvent(models.Model):
    """One event of a campaign: what, when, where, and the people it reached (counts, no names)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")

    def __str__(self):
        return self.title

    def clean(self):
        campaign = self.campaign if self.campaign_id else None
        if campaign and self.held_on and not campaign.starts_on <= self.held_on <= campaign.ends_on:
            raise ValidationError({"held_on": _("The event must fall within the campaign's dates.")})


class EventReach(models.Model):
    """How many people of one sex and age group an event reached: one row per non-zero cell of its table."""

    event = models.ForeignKey(CampaignEvent, on_delete=models.CASCADE, related_name="reach")
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    people = models.PositiveIntegerField(_("people reached"))

    class Meta:
        ordering = ["sex", "age_group"]
        verbose_name = _("people reached")
        verbose_name_plural = _("people reached")
        constraints = [models.UniqueConstraint(fields=["event", "sex", "age_group"], name="eventreach_once")]
