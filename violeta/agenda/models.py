from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.accounts.models import Area
from violeta.core.crypto import EncryptedTextField
from violeta.core.validators import format_phone


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OfficeHours(models.Model):
    """When the institute attends, per weekday (local time). A weekday without a row is closed.

    Seeded by migration with Monday to Friday, 9:00 to 15:00; an institute changes it in the admin.
    """

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="officehours_order")
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Holiday(models.Model):
    """A day the institute is closed (official holidays, institute days off). No appointment may fall on it."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class AppointmentModality(models.TextChoices):
    # Same values as cases.Modality, so an attended appointment prefills the consultation.
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("Video call")


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")
    RESCHEDULED = "rescheduled", _("Rescheduled")


# The statuses that hold the staff member's (and the woman's) time: a new booking may not overlap them.
BUSY_STATUSES = (AppointmentStatus.SCHEDULED, AppointmentStatus.ATTENDED)


class Appointment(models.Model):
    """A time booked with a staff member of an area, for a woman (her case, or a first contact by phone).

    ``contact_name`` is the first name she gave on the phone when she is not registered yet; once she is, the
    appointment points at her Person and, when there is one, her case.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    contact_name = models.CharField(_("first name she gave"), max_length=60, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attended by"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    modality = models.CharField(_("modality"), max_length=12, choices=AppointmentModality.choices)
    video_link = models.URLField(_("video call link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    notes = EncryptedTextField(_("notes for the staff"), blank=True)
    rescheduled_to = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_from"
    )
    call = models.ForeignKey(
        "agenda.PhoneCall", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    consultation = models.ForeignKey(
        "cases.Consultation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminder_sms = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the reminder job has looked at this appointment (sent or, with no SMS allowed, deliberately not).
    reminder_checked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["staff", "starts_at"], name="appointment_staff_start"),
            models.Index(fields=["area", "starts_at"], name="appointment_area_start"),
            models.Index(fields=["person", "starts_at"], name="appointment_person_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="appointment_order"
            )
        ]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%d/%m/%Y %H:%M} · {self.staff}"

    @property
    def who(self) -> str:
        if self.person_id:
            return self.person.full_name
        return self.contact_name or str(_("anonymous"))

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_open(self) -> bool:
        return self.status == AppointmentStatus.SCHEDULED


class PhoneLine(models.Model):
    """One of the institute's public lines. Data (seeded by migration), so a new line needs no code."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    number = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("phone line")
        verbose_name_plural = _("phone lines")

    def __str__(self):
        return f"{format_phone(self.number)} · {self.name}"


class CallAction(models.TextChoices):
    ORIENTATION = "orientation", _("Orientation")
    APPOINTMENT = "appointment", _("Appointment booked")
    REFERRAL = "referral", _("Referral")
    EMERGENCY = "emergency", _("Emergency: 911")


ANONYMOUS_CALLER = "anónima"


class PhoneCall(models.Model):
    """A call taken on one of the lines: the front desk's quick log. It may become an intake or an appointment.

    ``out_of_hours`` is decided when it is logged, against the office hours and holidays of that moment, so the
    institute can count the demand it is missing.
    """

    line = models.ForeignKey(
        PhoneLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="calls"
    )
    at = models.DateTimeField(_("date and time"), default=timezone.now, db_index=True)
    caller_name = models.CharField(_("caller's first name"), max_length=60, default=ANONYMOUS_CALLER)
    reason = EncryptedTextField(_("reason for the call"))
    violence = models.BooleanField(_("violence"), default=False)
    action = models.CharField(_("what was done"), max_length=12, choices=CallAction.choices)
    notes = EncryptedTextField(_("notes"), blank=True)
    out_of_hours = models.BooleanField(_("out of office hours"), default=False, db_index=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="phone_calls"
    )
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")

    def __str__(self):
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} · {self.line.name}"

    @property
    def is_anonymous(self) -> bool:
        return self.caller_name.strip().lower() in ("", ANONYMOUS_CALLER, "anonima")


class CallbackKind(models.TextChoices):
    CALL = "call", _("A call")
    APPOINTMENT = "appointment", _("An appointment")


class CallbackStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("callback request status", "Pending")
    NO_ANSWER = "no_answer", pgettext_lazy("callback request status", "No answer, to try again")
    DONE = "done", pgettext_lazy("callback request status", "Called back")
    CANCELLED = "cancelled", pgettext_lazy("callback request status", "Cancelled")


# Waiting for the front desk: shown in the phone-lines log, oldest first.
CALLBACK_OPEN = (CallbackStatus.PENDING, CallbackStatus.NO_ANSWER)


class CallbackRequest(models.Model):
    """A woman asked on the public site to be called (or given an appointment), and said how it is safe.

    Everything she wrote is encrypted at rest. Her yes/no choices (a message, an SMS) stay plain: they name no
    one. Once handled, her fields are erased after ``AGENDA_CALLBACK_RETENTION_DAYS`` (``callback_requests_erase``,
    a periodic job); the row stays as a count. Nothing is ever sent to her from it.
    """

    kind = models.CharField(_("she asks for"), max_length=12, choices=CallbackKind.choices)
    name = EncryptedTextField(_("how to call her"), blank=True)
    phone = EncryptedTextField(_("phone to call"), blank=True)
    may_leave_message = models.BooleanField(_("a message may be left"), default=False)
    may_send_sms = models.BooleanField(_("an SMS may be sent"), default=False)
    best_time = EncryptedTextField(_("best days and hours"), blank=True)
    code_word = EncryptedTextField(_("code word"), blank=True)
    reason = EncryptedTextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("calls without answer"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    call = models.ForeignKey(
        PhoneCall, on_delete=models.SET_NULL, null=True, blank=True, related_name="callback_requests"
    )
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("callback request")
        verbose_name_plural = _("callback requests")
        indexes = [models.Index(fields=["status", "created_at"], name="callback_status_created")]

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%d/%m/%Y %H:%M} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in CALLBACK_OPEN
