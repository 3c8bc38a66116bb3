"""Psychological care: treatment plans with goals, sessions' progress notes, standardised scales, discharge.

Everything here except the fact that psychology attends her is readable by psychology only (the area's staff on
the case team and its coordinator) and the director; see psychology.selectors.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case, Consultation
from violeta.core.crypto import EncryptedTextField

PSYCHOLOGY_AREA = "psicologia"


class Scale(models.Model):
    """A standardised instrument (PHQ-9, GAD-7…) as data: how many items, their range, and the score bands."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    item_count = models.PositiveSmallIntegerField(_("number of items"))
    item_min = models.SmallIntegerField(_("lowest answer"), default=0)
    item_max = models.SmallIntegerField(_("highest answer"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scale")
        verbose_name_plural = _("scales")

    def __str__(self):
        return self.name

    @property
    def max_score(self) -> int:
        return self.item_count * self.item_max


class ScaleBand(models.Model):
    """A range of total scores and what it means (e.g. PHQ-9 10–14: "Moderada")."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="bands")
    min_score = models.SmallIntegerField()
    max_score = models.SmallIntegerField()
    label = models.CharField(max_length=60)

    class Meta:
        ordering = ["scale", "min_score"]


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("In treatment")
    DISCHARGED = "discharged", _("Discharged")


class Approach(models.TextChoices):
    COGNITIVE_BEHAVIOURAL = "cbt", _("Cognitive-behavioural")
    TRAUMA_FOCUSED = "trauma", _("Trauma-focused")
    BRIEF = "brief", _("Brief, solution-focused")
    CRISIS = "crisis", _("Crisis intervention")
    SYSTEMIC = "systemic", _("Systemic")
    HUMANISTIC = "humanistic", _("Humanistic")
    GROUP = "group", _("Group therapy")
    OTHER = "other", _("Other")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    AS_NEEDED = "as_needed", _("As needed")


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    REFERRED = "referred", _("Referred to another service")
    DROPPED_OUT = "dropped_out", _("She stopped attending")
    HER_DECISION = "her_decision", _("She decided to end treatment")
    OTHER = "other", _("Other reason")


class TreatmentPlan(models.Model):
    """The psychologist's plan for her: the clinical focus, the approach, how often, and its goals.

    One plan in treatment per case at a time; the discharge summary closes it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="psychology_plans")
    psychologist = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("psychologist"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    focus = EncryptedTextField(_("clinical focus"))
    approach = models.CharField(_("approach"), max_length=12, choices=Approach.choices)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    discharge_reason = models.CharField(
        _("reason for discharge"), max_length=14, choices=DischargeReason.choices, blank=True
    )
    discharge_summary = EncryptedTextField(_("discharge summary"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="active"), name="psychology_one_active_plan_per_case"
            )
        ]
        verbose_name = _("treatment plan")
        verbose_name_plural = _("treatment plans")

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE


class GoalStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Set aside")


class TreatmentGoal(models.Model):
    """One goal of a plan, as a row with its own status."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="goals")
    description = EncryptedTextField(_("goal"))
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.PENDING
    )
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")


class TherapySession(models.Model):
    """A psychology session: the consultation the team sees, plus a progress note only psychology reads."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="psychology_sessions")
    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="psychology_session"
    )
    progress_note = EncryptedTextField(_("progress note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")


class ScaleResult(models.Model):
    """A scale applied to her: the answers, the total score and the band it falls in (copied at the time)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="scale_results")
    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="scale_results"
    )
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField(_("applied on"))
    answers = models.JSONField(default=list)
    score = models.SmallIntegerField(_("score"))
    band = models.CharField(_("band"), max_length=60)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("scale result")
        verbose_name_plural = _("scale results")
