"""Referrals (canalizaciones) between the institute and its partner institutions ("Juntas por nosotras").

An Institution is data, so every institute loads its own network. A Referral sends a woman of a case to an
institution with a summary the worker chose (never the whole file) and her recorded consent; the partner's
liaison sees only referrals sent to her institution and answers them. Every change of state is a
ReferralEvent and a line on the case timeline.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.core.crypto import EncryptedTextField
from violeta.core.tokens import derived_token, token_hash
from violeta.people.models import Consent, Person


class InstitutionKind(models.TextChoices):
    POLICE = "police", _("Police")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    JUSTICE_CENTER = "justice_center", _("Justice center for women")
    EMERGENCY = "emergency", _("Emergency line")
    DIF = "dif", _("Family welfare (DIF)")
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SHELTER = "shelter", _("Shelter")
    LEGAL_AID = "legal_aid", _("Legal aid")
    INTERNAL_CONTROL = "internal_control", _("Internal control body")
    NGO = "ngo", _("Civil society organisation")
    GOVERNMENT = "government", _("Government office")
    OTHER = "other", _("Other")


class Institution(models.Model):
    """A partner institution the institute refers women to (and that refers women to the institute)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    services = models.TextField(_("services"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    hours = models.CharField(_("hours"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    has_accounts = models.BooleanField(_("has Violeta accounts"), default=False)
    response_days = models.PositiveSmallIntegerField(
        _("days to answer a referral"),
        default=5,
        help_text=_("A referral without an answer after these days is listed as overdue."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        """Its name with its acronym ("Dirección de Seguridad Pública Municipal (DSPM)"): staff outside the
        legal area do not know every acronym, and a bare "OIC" or "CEJUM" reads as a code."""
        if self.short_name and self.short_name.casefold() != self.name.casefold():
            return f"{self.name} ({self.short_name})"
        return self.name


class Liaison(models.Model):
    """A partner institution's staff member with a Violeta account: she sees that institution's referrals only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="liaisons")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")

    def __str__(self):
        return f"{self.user} · {self.institution}"


class ReferralCounter(models.Model):
    """The last referral folio number given in a year (CAN-2026-0001)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Urgency(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    PRIORITY = "priority", _("High priority")
    URGENT = "urgent", _("Urgent")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to the institution")
    RECEIVED = "received", _("Received")
    IN_ATTENTION = "in_attention", _("In attention")
    ATTENDED = "attended", _("Attended")
    REJECTED = "rejected", _("Rejected")
    CLOSED_NO_CONTACT = "closed_no_contact", _("Closed without contact")
    CANCELLED = "cancelled", _("Cancelled before sending")


# The states a referral may move to from each state; anything else is refused.
TRANSITIONS = {
    ReferralStatus.DRAFT: {ReferralStatus.SENT, ReferralStatus.CANCELLED},
    ReferralStatus.SENT: {
        ReferralStatus.RECEIVED,
        ReferralStatus.REJECTED,
        ReferralStatus.CLOSED_NO_CONTACT,
    },
    # A partner may still decline after accepting ("not our competence after review"), with a reason.
    ReferralStatus.RECEIVED: {
        ReferralStatus.IN_ATTENTION,
        ReferralStatus.ATTENDED,
        ReferralStatus.REJECTED,
        ReferralStatus.CLOSED_NO_CONTACT,
    },
    ReferralStatus.IN_ATTENTION: {
        ReferralStatus.ATTENDED,
        ReferralStatus.REJECTED,
        ReferralStatus.CLOSED_NO_CONTACT,
    },
    ReferralStatus.ATTENDED: set(),
    ReferralStatus.REJECTED: set(),
    ReferralStatus.CLOSED_NO_CONTACT: set(),
    ReferralStatus.CANCELLED: set(),
}
# Sent but not yet answered by the institution: these become overdue.
AWAITING = (ReferralStatus.SENT,)
FINAL = (
    ReferralStatus.ATTENDED,
    ReferralStatus.REJECTED,
    ReferralStatus.CLOSED_NO_CONTACT,
    ReferralStatus.CANCELLED,
)
# Never sent: the institution never sees these, and they have no letter.
UNSENT = (ReferralStatus.DRAFT, ReferralStatus.CANCELLED)


class Outcome(models.TextChoices):
    SERVICE_GIVEN = "service_given", _("Service given")
    ONGOING = "ongoing", _("Care continues at the institution")
    REFERRED_ON = "referred_on", _("Referred to another institution")
    DECLINED = "declined", _("She declined the service")
    NOT_APPLICABLE = "not_applicable", _("The service did not apply")


def _token() -> str:  # the old default of verify_token, kept for the migrations that name it
    return secrets.token_urlsafe(24)


class Referral(models.Model):
    """A referral (canalización) of a woman of a case to an institution.

    ``shared_summary`` is what the institution receives, written or chosen by the worker: the liaison sees it
    and nothing of the case file. A referral is sent only with her consent (``consent``) unless a coordinator
    or the director overrides with a written reason, which is flagged for review.
    """

    folio = models.CharField(_("folio"), max_length=20, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="referrals"
    )
    reason = EncryptedTextField(_("reason for the referral"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ORDINARY)
    shared_summary = EncryptedTextField(_("summary shared with the institution"))
    # How the institution may contact her, as she agreed when the referral was made (a copy: a later change of
    # her phone is not passed on); empty when she shared none (services.referral_create).
    shared_phone = EncryptedTextField(_("phone shared with the institution"), blank=True)
    shared_contact_rules = EncryptedTextField(_("safe-contact rules shared with the institution"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(_("reason to send without consent"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    flagged = models.BooleanField(_("for review"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due on"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    rejection_reason = EncryptedTextField(_("reason for rejecting"), blank=True)
    counter_referral = EncryptedTextField(_("counter-referral"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # The letter's verification address carries a token derived from the folio with a keyed HMAC (so the
    # letter can be printed again); only its hash is stored, for the look-up. ``legacy_verify_token_hash``:
    # the hash of the random token of letters printed before that, which keep working.
    verify_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    legacy_verify_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        # For the statistics (bench/README.md): the referrals sent in a period.
        indexes = [models.Index(fields=["sent_at"], name="referral_sent_at")]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return self.folio

    def save(self, *args, **kwargs):
        if self.folio and not self.verify_token_hash:
            self.verify_token_hash = token_hash(self.verify_token)
        super().save(*args, **kwargs)

    @property
    def verify_token(self) -> str:
        return derived_token("referral-verify", self.folio)

    @property
    def is_overdue(self) -> bool:
        return self.status in AWAITING and self.due_at is not None and self.due_at < timezone.now()

    def allowed_next(self) -> set[str]:
        return TRANSITIONS[ReferralStatus(self.status)]


class ReferralEvent(models.Model):
    """One dated step of a referral: its change of state, who made it and an optional note."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONVERTED = "converted", _("Intake opened")
    DISMISSED = "dismissed", _("Dismissed")


class InboundReferral(models.Model):
    """A referral a partner institution sends to the institute: an intake draft for reception.

    It holds only what the institution shares to start the first interview; reception turns it into an intake
    (the woman is registered and the case opened there, through the usual services).
    """

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="inbound"
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    given_names = models.CharField(_("given names"), max_length=80)
    first_surname = models.CharField(_("first surname"), max_length=80)
    second_surname = models.CharField(_("second surname"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    safe_to_call = models.BooleanField(_("safe to call her at this number"), default=False)
    reason = EncryptedTextField(_("reason for the referral"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ORDINARY)
    consent_given = models.BooleanField(_("she agreed to be referred"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.PENDING
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral received")
        verbose_name_plural = _("referrals received")
