from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.accounts.models import Area
from violeta.core.crypto import EncryptedTextField
from violeta.people.models import Person


class FolioCounter(models.Model):
    """The last folio number given in a year. Incremented under a row lock, so folios never repeat."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    FOLLOW_UP = "follow_up", _("In follow-up")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.FOLLOW_UP, CaseStatus.REOPENED)


class ArrivalChannel(models.TextChoices):
    OWN = "own", _("On her own")
    PHONE = "phone", _("By phone")
    REFERRED = "referred", _("Referred by an institution")
    COMPANY = "company", _("IMM in your company")
    MIA = "mia", _("MIA app")
    OTHER = "other", _("Other")


class CloseReason(models.TextChoices):
    CONCLUDED = "concluded", _("Care completed")
    REFERRED = "referred", _("Referred to another institution")
    NO_CONTACT = "no_contact", _("No contact")
    DECLINED = "declined", _("She decided not to continue")
    MOVED = "moved", _("Moved away")
    OTHER = "other", _("Other reason")


class Case(models.Model):
    """The single case file (expediente único): she tells her story once and the areas share it.

    The holder is the woman served; children and others take part through CaseParty. Who may see it is
    decided by the team (CaseTeamMember) and the coordinators of the team's areas; see cases.selectors.
    """

    folio = models.CharField(_("folio"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    holder = models.ForeignKey(
        Person, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="held_cases"
    )
    arrival_channel = models.CharField(_("how she arrived"), max_length=12, choices=ArrivalChannel.choices)
    arrival_detail = models.CharField(
        _("institution or company that referred her"), max_length=150, blank=True
    )
    reason = EncryptedTextField(_("reason for the visit"))
    is_priority = models.BooleanField(_("priority"), default=False, db_index=True)
    # Set by violence.services when a risk assessment gives a high or extreme level.
    priority_reason = models.CharField(_("why it is a priority"), max_length=120, blank=True)
    priority_since = models.DateTimeField(_("priority since"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened on"), default=timezone.now, db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=12, choices=CloseReason.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The municipality's internal gender-violence protocol: she is a public servant of the municipality. Such a
    # case is seen only by the staff designated for the protocol (InternalProtocolDesignation) and the director.
    is_internal_protocol = models.BooleanField(_("internal protocol case"), default=False, db_index=True)
    internal_protocol_dependency = models.CharField(_("municipal dependency"), max_length=150, blank=True)
    internal_protocol_conduct = EncryptedTextField(_("reported conduct"), blank=True)
    people = models.ManyToManyField(Person, through="CaseParty", related_name="cases")
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseTeamMember",
        through_fields=("case", "user"),
        related_name="cases",
    )

    class Meta:
        ordering = ["-opened_at"]
        # "Mis expedientes" and every coordinator's list read in this order, descending (keyset pages).
        indexes = [models.Index(fields=["is_priority", "opened_at", "id"], name="case_list_order")]
        verbose_name = _("case file")
        verbose_name_plural = _("case files")

    def __str__(self):
        return self.folio

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Relation(models.TextChoices):
    HOLDER = "holder", _("Holder")
    DAUGHTER = "daughter", _("Daughter")
    SON = "son", _("Son")
    MINOR_IN_CARE = "minor_in_care", _("Child or adolescent in her care")
    RELATIVE = "relative", _("Relative")
    OTHER = "other", _("Other person")


class CaseParty(models.Model):
    """A person in a case: the holder, her children (victims too) or others, with their relation to her."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="caseparty_unique")]
        verbose_name = _("person in the case file")
        verbose_name_plural = _("people in the case file")


class CaseTeamMember(models.Model):
    """A staff member who attends the case, with the area she attends it for."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="caseteam_unique")]
        verbose_name = _("team member")
        verbose_name_plural = _("case file team")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("Video call")
    COMPANY = "company", _("At her workplace")


class Consultation(models.Model):
    """One service contact (atención, asesoría, sesión, orientación) of an area, with what was agreed.

    The summary is for the whole team; what only the area may read goes in an AreaNote.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    modality = models.CharField(_("modality"), max_length=12, choices=Modality.choices)
    started_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    summary = EncryptedTextField(_("summary for the team"))
    next_steps = EncryptedTextField(_("agreements and next steps"), blank=True)
    attended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-id"]
        # For the statistics (bench/README.md, "reports_dashboard.py"): a period's consultations read from the
        # index alone, and a case's first, last or earlier consultation found without sorting them.
        indexes = [
            models.Index(
                fields=["started_at"], include=["case", "area", "modality"], name="consultation_started"
            ),
            models.Index(fields=["case", "started_at"], name="consultation_case_started"),
        ]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")


class AreaNote(models.Model):
    """A note that only the area that wrote it may read (e.g. psychology's clinical notes)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="area_notes")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, null=True, blank=True, related_name="area_notes"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("area note")
        verbose_name_plural = _("area notes")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Case file opened")
    CONSULTATION = "consultation", _("Consultation recorded")
    NOTE = "note", _("Area note")
    TEAM_ADDED = "team_added", _("Joined the team")
    TEAM_REMOVED = "team_removed", _("Left the team")
    PARTY_ADDED = "party_added", _("Person added")
    STATUS = "status", _("Status change")
    CLOSED = "closed", _("Case file closed")
    REOPENED = "reopened", _("Case file reopened")
    BREAK_GLASS = "break_glass", _("Emergency access")
    # Written by the other areas' services through cases.services.case_event_record.
    PRIORITY = "priority", _("Priority changed")
    VIOLENCE = "violence", _("Violence incident recorded")
    RISK = "risk", _("Risk assessment")
    SAFETY_PLAN = "safety_plan", _("Safety plan")
    PROTECTION_ORDER = "protection_order", _("Protection order")
    LEGAL = "legal", _("Legal matter")
    HEARING = "hearing", _("Hearing or deadline")
    PSYCHOLOGY = "psychology", _("Psychological care")
    SOCIAL_WORK = "social_work", _("Social work")
    APPOINTMENT = "appointment", _("Appointment")
    CALL = "call", _("Phone call")
    DOCUMENT = "document", _("Document")
    REFERRAL = "referral", _("Referral")
    ALERT = "alert", _("MIA alert")
    CASE_PLAN = "case_plan", _("Case plan")
    APPROVAL = "approval", _("Approval")


class CaseEvent(models.Model):
    """A line of the case timeline. ``description`` says what happened without personal details."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    description = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        # For the statistics (bench/README.md): whether a case was closed at a moment, from its closings and
        # reopenings.
        indexes = [models.Index(fields=["case", "kind", "at"], name="case_event_kind_at")]


class CaseAccessGrant(models.Model):
    """Emergency access ("break glass") to a case outside the usual rules: reason written, time-limited, flagged."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]


class InternalProtocolDesignation(models.Model):
    """A staff member designated to attend cases under the municipality's internal gender-violence protocol.

    Only designated staff (and the director) see internal-protocol cases; other staff, coordinators included,
    get a 404 even if they were on the case's team.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="internal_protocol_designation"
    )
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("internal protocol designation")
        verbose_name_plural = _("internal protocol designations")


# The case plan (cases/plan_models.py), approvals (cases/approval_models.py) and the intake's configurable and
# custom fields (cases/field_models.py), in their own modules.
from violeta.cases.approval_models import ApprovalRequest, ApprovalRule  # noqa: E402, F401
from violeta.cases.field_models import CustomField, CustomFieldValue, IntakeFieldSetting  # noqa: E402, F401
from violeta.cases.plan_models import CasePlan, PlanGoal, PlanRevision, PlanService  # noqa: E402, F401
