"""Tarjeta "Mi apoyo, Mi bienestar": applications, cards, affiliated merchants and validations at the till."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.crypto import EncryptedTextField
from violeta.core.tokens import derived_token, token_hash
from violeta.core.validators import format_phone
from violeta.people.models import Neighborhood


class MerchantCategory(models.Model):
    """A giro of the program (supermarkets, clinics…). Data, so the program can add one without code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("business category")
        verbose_name_plural = _("business categories")

    def __str__(self):
        return self.name


class MerchantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Agreement ended")


class Merchant(models.Model):
    """An affiliated business (comercio afiliado): its discount for cardholders and its agreement."""

    name = models.CharField(_("business name"), max_length=150)
    category = models.ForeignKey(
        MerchantCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="merchants"
    )
    discount = models.CharField(
        _("discount"), max_length=80, help_text=_("For example: 10 percent off the total.")
    )
    conditions = models.TextField(_("conditions"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    agreement_start = models.DateField(_("agreement start"))
    agreement_end = models.DateField(_("agreement end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MerchantStatus.choices, default=MerchantStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("affiliated business")
        verbose_name_plural = _("affiliated businesses")

    def __str__(self):
        return self.name

    def is_affiliated(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == MerchantStatus.ACTIVE
            and self.agreement_start <= on
            and (self.agreement_end is None or self.agreement_end >= on)
        )


class Branch(models.Model):
    """A branch (sucursal) of an affiliated business, where the card is accepted."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="branches")
    name = models.CharField(_("branch"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    neighborhood = models.ForeignKey(
        Neighborhood, verbose_name=_("neighborhood"), on_delete=models.PROTECT, related_name="+"
    )
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["merchant__name", "name"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self):
        return f"{self.merchant.name} — {self.name}"


class MerchantAccount(models.Model):
    """Ties a merchant's till account (role merchant) to its business and, optionally, to one branch."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_account"
    )
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="accounts")
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("merchant account")
        verbose_name_plural = _("merchant accounts")

    def __str__(self):
        return f"{self.user} → {self.merchant}"


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    MISSING_DOCUMENTS = "missing_documents", _("Missing documents")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CARD_ISSUED = "card_issued", _("Card issued")
    DELIVERED = "delivered", _("Card delivered")


# An application in one of these states still counts as "in progress" for the one-card-per-CURP rule.
OPEN_STATUSES = (
    ApplicationStatus.RECEIVED,
    ApplicationStatus.MISSING_DOCUMENTS,
    ApplicationStatus.APPROVED,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    DESK = "desk", _("At the desk")


class CardApplication(models.Model):
    """A woman's application for the card (solicitud), online by herself or at the desk by staff.

    Her identity is as she gives it; the CURP is the key for "one active card per person". The address is
    encrypted at rest. ``documents_checked_at_desk`` records that staff saw the originals instead of uploads.
    """

    given_names = models.CharField(_("given name(s)"), max_length=100)
    first_surname = models.CharField(_("first surname"), max_length=80)
    second_surname = models.CharField(_("second surname"), max_length=80, blank=True)
    birth_date = models.DateField(_("date of birth"))
    curp = models.CharField(_("CURP"), max_length=18, db_index=True)
    address = EncryptedTextField(_("address (street and number)"))
    neighborhood = models.ForeignKey(
        Neighborhood,
        verbose_name=_("neighborhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    postal_code = models.CharField(_("postal code"), max_length=5)
    phone = models.CharField(_("phone"), max_length=20)
    # Her consent to be texted at that phone (the link to her digital card); without it, no SMS is ever sent.
    accepts_sms = models.BooleanField(_("accepts text messages (SMS)"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    documents_checked_at_desk = models.BooleanField(_("documents checked at the desk"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RECEIVED,
        db_index=True,
    )
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("submitted on"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("card application")
        verbose_name_plural = _("card applications")
        indexes = [models.Index(fields=["status", "submitted_at"], name="card_app_queue_idx")]
        constraints = [
            # The eligibility rule checks it first; this holds it when two submissions race.
            models.UniqueConstraint(
                fields=["curp"],
                condition=models.Q(status__in=["received", "missing_documents", "approved"]),
                name="card_one_open_application_per_curp",
            )
        ]

    def __str__(self):
        return f"SOL-{self.pk}"

    @property
    def folio(self) -> str:
        return f"SOL-{self.pk:06d}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def first_name(self) -> str:
        return (self.given_names.split() or [""])[0]

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class DocumentKind(models.TextChoices):
    PROOF_OF_ADDRESS = "proof_of_address", _("Proof of address")
    IDENTIFICATION = "identification", _("Official ID")


class ApplicationDocument(models.Model):
    """An uploaded proof, stored outside the web root (CARD['PRIVATE_ROOT']) under a random name."""

    application = models.ForeignKey(CardApplication, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]


class ApplicationEvent(models.Model):
    """One dated step of an application's history: the state it reached, who moved it, and why."""

    application = models.ForeignKey(CardApplication, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    at = models.DateTimeField(_("date"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REPLACED = "replaced", _("Replaced")
    CANCELLED = "cancelled", _("Cancelled")


class Card(models.Model):
    """A card: a random 16-digit number with a Luhn check digit, and two unguessable tokens.

    ``verify_token`` is all the QR holds (a link to the merchants' validation page); ``holder_token`` opens
    the digital card on her phone. Neither is stored: both are derived from the card's number with a keyed
    HMAC (violeta.core.tokens), so the office can print the QR and send the link again, and the database keeps
    only their hashes, for the look-up. ``legacy_*`` hold the hashes of the random tokens of cards issued
    before that, so cards already printed and links already sent keep working. A replaced or cancelled card
    stops working; an expired one answers "expired" until renewed.
    """

    application = models.ForeignKey(CardApplication, on_delete=models.PROTECT, related_name="cards")
    number = models.CharField(_("card number"), max_length=16, unique=True)
    verify_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    holder_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    legacy_verify_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    legacy_holder_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=CardStatus.choices, default=CardStatus.ACTIVE, db_index=True
    )
    issued_at = models.DateTimeField(_("issued on"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    delivered_at = models.DateTimeField(_("delivered on"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="active"),
                name="card_one_active_per_application",
            )
        ]
        verbose_name = _("card")
        verbose_name_plural = _("cards")

    def __str__(self):
        return self.masked_number

    def save(self, *args, **kwargs):
        if self.number and not self.verify_token_hash:
            self.verify_token_hash = token_hash(self.verify_token)
            self.holder_token_hash = token_hash(self.holder_token)
        super().save(*args, **kwargs)

    @property
    def verify_token(self) -> str:
        return derived_token("card-verify", self.number)

    @property
    def holder_token(self) -> str:
        return derived_token("card-holder", self.number)

    @classmethod
    def by_token(cls, field: str, token: str) -> models.Q:
        """The filter for a card whose ``field`` ("verify" or "holder") token is ``token``."""
        digest = token_hash(token)
        return models.Q(**{f"{field}_token_hash": digest}) | models.Q(
            **{f"legacy_{field}_token_hash": digest}
        )

    @property
    def masked_number(self) -> str:
        return f"**** **** **** {self.number[-4:]}"

    @property
    def grouped_number(self) -> str:
        return " ".join(self.number[i : i + 4] for i in range(0, 16, 4))

    def is_expired(self, on: date | None = None) -> bool:
        return (on or timezone.localdate()) > self.valid_until


class ValidationResult(models.TextChoices):
    VALID = "valid", _("Valid")
    NOT_VALID = "not_valid", _("Not valid")
    EXPIRED = "expired", _("Expired")


class CardUse(models.Model):
    """One validation at a till: which business and branch, when, and the answer. For the statistics."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, null=True, blank=True, related_name="uses")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="uses")
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    result = models.CharField(max_length=12, choices=ValidationResult.choices)
    method = models.CharField(max_length=8)  # "qr" or "number"

    class Meta:
        ordering = ["-at", "-id"]
