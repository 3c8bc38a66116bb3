"""Programs and trainings: organisations, trainings with their sessions, attendees and attendance.

Attendees of a training are people outside the case files (teachers, workers, public servants): the institute
keeps only what a training needs (name, sex, age group, role, organisation) and never a CURP or an address.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.core.tokens import derived_token, token_hash


class Program(models.TextChoices):
    TRANSVERSALIDAD = "transversalidad", _("Gender mainstreaming (Transversalidad)")
    COMPANY = "empresa", _("IMM at your company")
    INTERNAL_PROTOCOL = "protocolo", _("Municipal government internal protocol")
    CAMPAIGN = "campana", _("Campaign")
    STAFF = "profesionalizacion", _("Staff professionalisation")


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    SCHOOL = "school", _("School")
    ASSOCIATION = "association", _("Civil association")
    GOVERNMENT = "government", _("Government office")
    MUNICIPAL = "municipal", _("Municipal dependency")


class Organization(models.Model):
    """A company, school, association or public office the institute trains or visits."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    sector = models.CharField(
        _("sector"), max_length=80, blank=True, help_text=_("For companies: manufacturing, services…")
    )
    grupo_index = models.BooleanField(_("affiliated with Grupo INDEX"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="organization_unique_name")]

    def __str__(self):
        return self.name


class OrganizationContact(models.Model):
    """A person the institute deals with at an organisation (the HR manager, a school's principal)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name


class Agreement(models.Model):
    """A collaboration agreement (convenio) with an organisation, with its dates."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=150)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return self.title

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The agreement cannot end before it starts.")})

    def in_force(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


class Topic(models.Model):
    """A training topic of the catalogue (equidad de género, igualdad sustantiva…): data, not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    MIXED = "mixed", _("In person and online")


class Training(models.Model):
    """A training (capacitación, plática, taller) of one of the programs, for an organisation or open."""

    program = models.CharField(_("program"), max_length=20, choices=Program.choices)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="trainings"
    )
    title = models.CharField(_("title"), max_length=150)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="trainings",
        null=True,
        blank=True,
        help_text=_("Leave empty for a training open to anyone."),
    )
    modality = models.CharField(
        _("modality"), max_length=20, choices=Modality.choices, default=Modality.IN_PERSON
    )
    description = models.TextField(_("description"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=2)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed for the certificate (%)"), default=80
    )
    # Some certificates must be renewed (the internal protocol, yearly): empty, they never expire.
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the certificate does not expire."),
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer in charge"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    # The public sign-up link: open until ``signup_closes_at``; its token is derived from the training and
    # ``signup_version`` (a new version makes the old link useless), only its hash is stored, for the look-up.
    signup_closes_at = models.DateTimeField(_("sign-up closes at"), null=True, blank=True)
    signup_version = models.PositiveIntegerField(default=0, editable=False)
    signup_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self):
        return self.title

    @property
    def signup_token(self) -> str:
        """The token of the current public sign-up link (empty when none was opened)."""
        if not self.signup_version:
            return ""
        return derived_token("training-signup", f"{self.pk}:{self.signup_version}")

    def signup_is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return bool(self.signup_version and self.signup_closes_at and at < self.signup_closes_at)

    def clean(self):
        if self.min_attendance_percent is not None and not 0 < self.min_attendance_percent <= 100:
            raise ValidationError({"min_attendance_percent": _("Give a percentage between 1 and 100.")})
        if self.hours is not None and self.hours <= 0:
            raise ValidationError({"hours": _("The hours must be more than zero.")})
        if self.certificate_valid_months is not None and not 1 <= self.certificate_valid_months <= 120:
            raise ValidationError(
                {
                    "certificate_valid_months": _(
                        "Give a validity between 1 and 120 months, or leave it empty."
                    )
                }
            )


class TrainingSession(models.Model):
    """One session of a training: when, where (a place or a meeting link) and who gives it."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("meeting link"), blank=True, help_text=_("For an online session, any platform."))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("trainer"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = pgettext_lazy("of a training", "session")
        verbose_name_plural = pgettext_lazy("of a training", "sessions")

    def __str__(self):
        return f"{self.training} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})
        if not self.place and not self.link:
            raise ValidationError(_("Give the place of the session or its meeting link."))


class Sex(models.TextChoices):
    WOMAN = "mujer", _("Woman")
    MAN = "hombre", _("Man")
    OTHER = "otro", pgettext_lazy("sex", "Other")
    UNSAID = "no_dice", _("Prefers not to say")


class AgeGroup(models.TextChoices):
    UNDER_18 = "0-17", _("Under 18")
    FROM_18 = "18-29", _("18 to 29")
    FROM_30 = "30-44", _("30 to 44")
    FROM_45 = "45-59", _("45 to 59")
    FROM_60 = "60+", _("60 or more")


class RegisteredBy(models.TextChoices):
    STAFF = "staff", _("Staff")
    PUBLIC_LINK = "public", _("Public sign-up link")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")


class Attendee(models.Model):
    """A person registered for a training: only what the training and its reach need."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendees")
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    role = models.CharField(_("position or role"), max_length=100, blank=True)
    organization_name = models.CharField(_("organisation"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Only to send the certificate."))
    registered_by = models.CharField(max_length=20, choices=RegisteredBy.choices, default=RegisteredBy.STAFF)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self):
        return self.full_name


class Attendance(models.Model):
    """Whether an attendee was at a session: one row per (session, attendee), changed by a tap."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "attendee"], name="attendance_once")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")


class Certificate(models.Model):
    """A certificate (constancia) of a training, for an attendee who met its attendance rule.

    Its PDF carries a QR to the public verification page, which shows only her name, the training, its hours and
    date. The verification token is derived from the folio with a keyed HMAC (the PDF can be printed again); only
    its hash is stored. A revoked certificate does not verify, and says so.
    """

    attendee = models.OneToOneField(Attendee, on_delete=models.PROTECT, related_name="certificate")
    folio = models.CharField(_("folio"), max_length=20, unique=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)  # None: it never expires
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    verify_token_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["folio"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.folio

    def save(self, *args, **kwargs):
        if self.folio and not self.verify_token_hash:
            self.verify_token_hash = token_hash(self.verify_token)
        super().save(*args, **kwargs)

    @property
    def verify_token(self) -> str:
        return derived_token("certificate-verify", self.folio)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, today=None) -> bool:
        """Past its validity (the day itself is still valid); a certificate without one never expires."""
        return self.valid_until is not None and self.valid_until < (today or timezone.localdate())


class Question(models.Model):
    """A question of a topic's questionnaire, answered before and after a training of that topic: data that the
    trainers write, with its options and which one is right."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=200)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text


class Phase(models.TextChoices):
    BEFORE = "pre", _("Before the training")
    AFTER = "post", _("After the training")


class QuestionnaireResponse(models.Model):
    """An attendee's answers to the topic's questionnaire before or after the training, and their score."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="questionnaires")
    phase = models.CharField(_("when"), max_length=4, choices=Phase.choices)
    answers = models.JSONField(default=dict)  # {question id: option id}
    score = models.PositiveSmallIntegerField(_("right answers"))
    out_of = models.PositiveSmallIntegerField(_("questions"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendee", "phase"], name="questionnaire_once_per_phase")
        ]
        verbose_name = _("questionnaire answers")
        verbose_name_plural = _("questionnaire answers")

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.out_of) if self.out_of else 0


class StaffTraining(models.Model):
    """A module of the staff's own professionalisation taken by a staff member (the 5-module diploma with TERFU
    A.C., a course elsewhere): dates, hours and the certificate received. The director sees the team's record."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="own_trainings"
    )
    title = models.CharField(_("module or course"), max_length=200)
    provider = models.CharField(_("given by"), max_length=150, blank=True)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, null=True, blank=True)
    started_on = models.DateField(_("started on"))
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    certificate_received = models.BooleanField(_("certificate received"), default=False)
    training = models.ForeignKey(
        Training, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff_records"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("staff training")
        verbose_name_plural = _("staff training")

    def __str__(self):
        return self.title

    def clean(self):
        if self.finished_on and self.started_on and self.finished_on < self.started_on:
            raise ValidationError({"finished_on": _("It cannot finish before it starts.")})
        if self.hours is not None and self.hours <= 0:
            raise ValidationError({"hours": _("The hours must be more than zero.")})
