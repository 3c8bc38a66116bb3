"""Superación en acción: courses, their groups and classes, enrolments, attendance, outcomes and links."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# --- Superación en acción: productive-project courses for women in violence or vulnerability -----------------
#
# A woman takes part as a ``people.Person`` (the holder of her case file), never through the case itself: the
# course's trainer works with her name and her attendance, and nothing of her file reaches the programs pages.
# Her case page shows her participation to her case team (``programs/case_section.html``).


class Course(models.Model):
    """A course of *Superación en acción*: a trade (repostería, costura, estilismo…) taught to a group."""

    trade = models.CharField(_("trade"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    instructor = models.CharField(
        _("instructor"),
        max_length=150,
        blank=True,
        help_text=_("Who teaches it: staff or an outside teacher."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=20)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["trade"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return self.trade

    def clean(self):
        if self.capacity is not None and self.capacity < 1:
            raise ValidationError({"capacity": _("A course needs at least one place.")})


class Cohort(models.Model):
    """One group of a course, with its dates, its places and the attendance its completion needs."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("group"), max_length=80)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty to use the course's places.")
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed to complete it (%)"), default=80
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Receives the follow-up reminders of its participants."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self):
        return f"{self.course} · {self.name}"

    @property
    def seats(self) -> int:
        return self.capacity or self.course.capacity

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The group cannot end before it starts.")})
        if self.min_attendance_percent is not None and not 0 < self.min_attendance_percent <= 100:
            raise ValidationError({"min_attendance_percent": _("Give a percentage between 1 and 100.")})
        if self.capacity is not None and self.capacity < 1:
            raise ValidationError({"capacity": _("A group needs at least one place.")})


class CohortSession(models.Model):
    """A class of a group: when and where."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = pgettext_lazy("of a course", "class")
        verbose_name_plural = pgettext_lazy("of a course", "classes")

    def __str__(self):
        return f"{self.cohort} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The class must end after it starts.")})


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Did not complete")


# Who holds a place in the group (the waiting list and the withdrawn do not).
SEATED = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED)


class Outcome(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    OWN_BUSINESS = "own_business", _("Own business")
    STUDIES = "studies", _("Continued studies")
    OTHER = "other", pgettext_lazy("outcome", "Other")


class Enrollment(models.Model):
    """A woman in a group: enrolled (with her consent), waiting for a place, withdrawn, or done with it."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="course_enrollments")
    status = models.CharField(_("status"), max_length=20, choices=EnrollmentStatus.choices)
    consent = models.ForeignKey("people.Consent", on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("about the outcome"), max_length=300, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)

    class Meta:
        ordering = ["enrolled_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["cohort", "person"], name="enrollment_once")]

    def __str__(self):
        return f"{self.cohort} · {self.get_status_display()}"

    @property
    def is_seated(self) -> bool:
        return self.status in SEATED


class EnrollmentAttendance(models.Model):
    """Whether she was at a class: one row per (class, enrolment), changed by a tap."""

    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrollment"], name="enrollment_attendance_once")
        ]
        verbose_name = _("class attendance")
        verbose_name_plural = _("class attendance")


class ExternalLinkKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    MICROCREDIT = "microcredit", _("Micro-credit")
    SCHOOL = "school", _("School")
    OTHER = "other", pgettext_lazy("link", "Other")


class ExternalLink(models.Model):
    """Another actor she was put in touch with through the course: an employer, a micro-credit, a school."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=ExternalLinkKind.choices)
    name = models.CharField(_("name"), max_length=150)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("link with another actor")
        verbose_name_plural = _("links with other actors")

    def __str__(self):
        return self.name
