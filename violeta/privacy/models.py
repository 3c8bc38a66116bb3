"""Her rights over her data (ARCO requests), the blocking of cancelled records and the breach register.

LGPDPPSO (Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados): she may ask to
access, rectify, cancel or oppose the processing of what the institute holds about her; the institute answers
within 20 business days (one justified extension of 20 more). A request outlives the data it is about: when a
cancelled record is finally deleted, the request stays, with its person set to null, as the proof it was met.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.crypto import EncryptedTextField


class ArcoRight(models.TextChoices):
    ACCESS = "access", _("Access")
    RECTIFICATION = "rectification", _("Rectification")
    CANCELLATION = "cancellation", _("Cancellation")
    OPPOSITION = "opposition", _("Opposition")


class ArcoStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")


OPEN_STATUSES = (ArcoStatus.RECEIVED, ArcoStatus.IN_PROGRESS, ArcoStatus.EXTENDED)


class IdentityCheck(models.TextChoices):
    VOTER_ID = "voter_id", _("Voter ID (INE) shown in person")
    PASSPORT = "passport", _("Passport shown in person")
    OTHER_ID = "other_id", _("Other official ID shown in person")
    REPRESENTATIVE = "representative", _("Legal representative with power of attorney and both IDs")
    KNOWN_STAFF = "known_staff", _("Known to her case team, confirmed in person")


class Opposition(models.TextChoices):
    """The processing she may oppose, each applied where Violeta has a switch for it."""

    SMS = "sms", _("Text messages (SMS) and reminders")
    STATISTICS = "statistics", _("Statistical use")
    TRANSFERS = "transfers", _("Transfers to other institutions (referrals)")


class ArcoRequest(models.Model):
    """A request of hers to exercise an ARCO right, registered by the staff who received it.

    ``due_on`` is the last business day to answer (20 business days after ``received_on``; 20 more when
    extended). The handler is the staff member who answers it: only she receives the access export.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    right = models.CharField(_("right"), max_length=16, choices=ArcoRight.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ArcoStatus.choices, default=ArcoStatus.RECEIVED, db_index=True
    )
    received_on = models.DateField(_("received on"))
    identity_check = models.CharField(
        _("how her identity was verified"), max_length=20, choices=IdentityCheck.choices
    )
    identity_notes = EncryptedTextField(_("identity verification notes"), blank=True)
    description = EncryptedTextField(_("what she asks"))
    oppositions = models.CharField(_("processing she opposes"), max_length=100, blank=True)
    due_on = models.DateField(_("answer due on"), db_index=True)
    extension_reason = EncryptedTextField(_("reason for the extension"), blank=True)
    extended_at = models.DateTimeField(_("extended on"), null=True, blank=True)
    response = EncryptedTextField(_("answer"), blank=True)
    refusal_reason = EncryptedTextField(_("reason for refusing"), blank=True)
    closed_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    exported_at = models.DateTimeField(_("export delivered on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("ARCO request")
        verbose_name_plural = _("ARCO requests")

    def __str__(self):
        return self.folio

    @property
    def folio(self) -> str:
        return f"ARCO-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())

    @property
    def opposition_list(self) -> list[str]:
        return [o for o in self.oppositions.split(",") if o]


class PersonBlock(models.Model):
    """Her record blocked after a cancellation request: seen by the director only, deleted after ``delete_after``.

    ``person`` becomes null when the retention task deletes her record; the block stays as its proof.
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.SET_NULL, null=True, related_name="privacy_block"
    )
    request = models.ForeignKey(ArcoRequest, on_delete=models.PROTECT, null=True, related_name="blocks")
    reason = EncryptedTextField(_("reason"))
    blocked_at = models.DateTimeField(_("blocked on"), default=timezone.now)
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delete_after = models.DateField(_("delete after"))
    deleted_at = models.DateTimeField(_("deleted on"), null=True, blank=True)
    deleted_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["delete_after", "id"]
        verbose_name = _("blocked record")
        verbose_name_plural = _("blocked records")


class RectificationNotice(models.Model):
    """A correction of her data passed on to a partner institution that received it through a referral.

    The liaison of the institution sees it in her portal and acknowledges it.
    """

    request = models.ForeignKey(ArcoRequest, on_delete=models.PROTECT, related_name="notices")
    institution = models.ForeignKey("referrals.Institution", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey("referrals.Referral", on_delete=models.SET_NULL, null=True, related_name="+")
    referral_folio = models.CharField(_("referral"), max_length=20)
    corrections = EncryptedTextField(_("corrected data"))
    sent_at = models.DateTimeField(_("sent on"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged on"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")


class Breach(models.Model):
    """A security incident that affected personal data (LGPDPPSO art. 38–41): the director's register.

    The people affected are counted, never named here.
    """

    detected_on = models.DateField(_("detected on"))
    description = EncryptedTextField(_("what happened"))
    data_affected = EncryptedTextField(_("data affected"))
    people_affected = models.PositiveIntegerField(_("people affected (count)"))
    measures = EncryptedTextField(_("measures taken"), blank=True)
    people_notified_on = models.DateField(_("affected people notified on"), null=True, blank=True)
    authority_notified_on = models.DateField(_("authority notified on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-detected_on", "-id"]
        verbose_name = _("security breach")
        verbose_name_plural = _("security breaches")

    def __str__(self):
        return f"INC-{self.pk:04d}"
