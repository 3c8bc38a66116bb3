from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.core.crypto import EncryptedTextField

LEGAL_AREA_CODE = "juridica"


class MatterKind(models.TextChoices):
    DIVORCE = "divorce", _("Divorce")
    ALIMONY = "alimony", _("Alimony")
    CUSTODY = "custody", _("Custody of children")
    CIVIL_RECORDS = "civil_records", _("Correction of civil records")
    PATERNITY = "paternity", _("Paternity recognition")
    PROTECTION_ORDER = "protection_order", _("Protection order request")
    CRIMINAL_COMPLAINT = "criminal_complaint", _("Accompaniment of a criminal complaint")
    OTHER = "other", _("Other")


class MatterStage(models.TextChoices):
    """The steps a matter goes through, from the first advice to its end."""

    ADVICE = "advice", _("Legal advice")
    PREPARATION = "preparation", _("Preparing the filing")
    FILED = "filed", _("Filed with the court or authority")
    IN_PROCESS = "in_process", _("In process")
    RESOLVED = "resolved", _("Ruling or resolution issued")
    ENFORCEMENT = "enforcement", _("Enforcement of the ruling")
    CONCLUDED = "concluded", _("Concluded")
    WITHDRAWN = "withdrawn", _("Withdrawn or abandoned")


CLOSED_STAGES = (MatterStage.CONCLUDED, MatterStage.WITHDRAWN)


class LegalMatter(models.Model):
    """A legal matter (asunto jurídico) the institute's lawyers carry for the woman of a case.

    Read only by the legal area (its staff on the case's team and its coordination) and the director's office;
    see legal.selectors.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_matters")
    kind = models.CharField(_("kind of matter"), max_length=20, choices=MatterKind.choices)
    authority = models.CharField(_("court or authority"), max_length=150, blank=True)
    court_file_number = models.CharField(_("court file number"), max_length=60, blank=True)
    counterpart = EncryptedTextField(_("counterpart"), blank=True)
    summary = EncryptedTextField(_("summary of the matter"), blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible lawyer"),
        on_delete=models.PROTECT,
        related_name="legal_matters",
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=MatterStage.choices, default=MatterStage.ADVICE
    )
    opened_at = models.DateTimeField(_("opened on"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("legal matter")
        verbose_name_plural = _("legal matters")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.case.folio}"

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES


class MatterStageChange(models.Model):
    """One step of a matter's history: the stage it reached, when and who recorded it."""

    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(_("stage"), max_length=16, choices=MatterStage.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    at = models.DateTimeField(_("date"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        # For the statistics (bench/README.md): a matter's latest stage.
        indexes = [models.Index(fields=["matter", "at"], name="stage_change_matter_at")]


class HearingKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    DEADLINE = "deadline", _("Deadline")
    APPOINTMENT = "appointment", _("Appointment with an authority")


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# How long a hearing keeps the lawyer out of the office when nobody says otherwise (travel and waiting included),
# and the longest one may be: the agenda looks for clashes this far back.
DEFAULT_HEARING_MINUTES = 120
MAX_HEARING_MINUTES = 8 * 60


class Hearing(models.Model):
    """A hearing, a deadline or an appointment before an authority, with reminders to the responsible lawyer.

    Hearings and appointments before an authority occupy the lawyer from ``starts_at`` for ``duration_minutes``:
    the agenda shows that time as busy and refuses appointments over it. A deadline is a date to meet, not an
    absence: it shows in her agenda but does not block it.
    """

    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(
        _("kind"), max_length=12, choices=HearingKind.choices, default=HearingKind.HEARING
    )
    starts_at = models.DateTimeField(_("date and time"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=DEFAULT_HEARING_MINUTES,
        validators=[MinValueValidator(15), MaxValueValidator(MAX_HEARING_MINUTES)],
        help_text=_("How long it keeps the lawyer out of the office, travel included."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED
    )
    outcome = EncryptedTextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("hearing or deadline")
        verbose_name_plural = _("hearings and deadlines")

    @property
    def is_scheduled(self) -> bool:
        return self.status == HearingStatus.SCHEDULED

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def occupies_time(self) -> bool:
        """Whether it keeps the lawyer away (a hearing, an authority appointment), unlike a deadline."""
        return self.kind != HearingKind.DEADLINE
