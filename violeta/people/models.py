from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.core.crypto import EncryptedTextField
from violeta.core.validators import format_phone


class Neighborhood(models.Model):
    """A colonia (or fraccionamiento, ejido…) of the municipality, from SEPOMEX's catalogue. Loaded as data."""

    postal_code = models.CharField(_("postal code"), max_length=5, db_index=True)
    name = models.CharField(_("neighborhood"), max_length=120)
    settlement_type = models.CharField(_("settlement type"), max_length=60, blank=True)
    zone = models.CharField(_("zone"), max_length=20, blank=True)
    municipality = models.CharField(_("municipality"), max_length=80)
    state = models.CharField(_("state"), max_length=80)

    class Meta:
        ordering = ["name", "postal_code"]
        verbose_name = _("neighborhood")
        verbose_name_plural = _("neighborhoods")
        constraints = [
            models.UniqueConstraint(
                fields=["postal_code", "name", "settlement_type", "municipality"], name="neighborhood_unique"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.postal_code})"


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    TRANS_WOMAN = "trans_woman", _("Trans woman")
    TRANS_MAN = "trans_man", _("Trans man")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("Other identity")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class Schooling(models.TextChoices):
    """The highest level of schooling completed, as INEGI and the BANAVIM ask for it (Mexican levels)."""

    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    SECONDARY = "secondary", _("Secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary (high school)")
    HIGHER = "higher", _("Higher education (degree)")
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    UNKNOWN = "unknown", _("Does not know")


class Person(models.Model):
    """A person known to the institute: the woman served (usuaria), and also her children or others in a case.

    Identity fields are as she gives them; intersectional fields (indigenous people, language, disability) are
    optional and self-identified, used to adapt care, never required. Search and duplicate detection find her
    through the words of her name (``PersonNameWord``, see ``people.matching``); ``name_normalized`` (accents,
    case and common abbreviations removed) is kept for exact-name lookups.
    """

    given_names = models.CharField(_("given name(s)"), max_length=100)
    first_surname = models.CharField(_("first surname"), max_length=80)
    second_surname = models.CharField(_("second surname"), max_length=80, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    age_recorded_on = models.DateField(_("age recorded on"), null=True, blank=True)
    gender = models.CharField(
        _("gender identity"), max_length=20, choices=Gender.choices, default=Gender.WOMAN
    )
    curp = models.CharField(_("CURP"), max_length=18, null=True, blank=True, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    phone_alt = models.CharField(_("other phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    address = EncryptedTextField(_("address (street and number)"), blank=True)
    neighborhood = models.ForeignKey(
        Neighborhood, verbose_name=_("neighborhood"), on_delete=models.PROTECT, null=True, blank=True
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    indigenous_people = models.CharField(_("indigenous people (self-identified)"), max_length=80, blank=True)
    indigenous_language = models.CharField(_("indigenous language she speaks"), max_length=80, blank=True)
    disability = models.CharField(_("disability"), max_length=120, blank=True)
    schooling = models.CharField(_("schooling"), max_length=16, choices=Schooling.choices, blank=True)
    name_normalized = models.CharField(max_length=300, editable=False, db_index=True)
    created_at = models.DateTimeField(_("registered on"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)
    # Set when she asked to cancel her data (ARCO, violeta/privacy): from then on only the director sees her
    # and her cases (people and cases selectors filter on it) until the record is deleted.
    blocked_at = models.DateTimeField(_("blocked on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["first_surname", "second_surname", "given_names"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # On PostgreSQL a trigram GIN index on name_normalized is created by migration 0002 (not declared
        # here: SQLite cannot build it).

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.first_surname, self.second_surname) if p)

    def age(self, on: date | None = None) -> int | None:
        on = on or timezone.localdate()
        if self.birth_date:
            b = self.birth_date
            if b > on:  # never a negative age: a birth date in the future tells nothing
                return None
            return on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        if self.approximate_age is not None and self.age_recorded_on:
            return self.approximate_age + (on - self.age_recorded_on).days // 365
        return self.approximate_age

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class NameWord(models.Model):
    """One word of the vocabulary of people's names ("maria", "guadalupe", "hernandez"), as ``people.names``
    cuts names. Small (tens of thousands of words for a million people): typed words are matched against it
    by nickname and edit distance, and people are then found through ``PersonNameWord``. Words are only added."""

    word = models.CharField(max_length=80, unique=True)

    class Meta:
        verbose_name = _("name word")
        verbose_name_plural = _("name words")

    def __str__(self):
        return self.word


class NameField(models.TextChoices):
    GIVEN = "given", _("given name(s)")
    SURNAME1 = "surname1", _("first surname")
    SURNAME2 = "surname2", _("second surname")


class PersonNameWord(models.Model):
    """A word of a person's name, in which field and at which position: the search's index of people by name
    word. Written by ``people.name_index`` in the same transaction as the person's name (``person_create``,
    ``person_update``); never edited by hand."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_words")
    word = models.ForeignKey(NameWord, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=8, choices=NameField.choices)
    position = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "field", "position"], name="person_name_word_unique")
        ]
        # Candidates are found by word: (word, person) answers from the index alone.
        indexes = [models.Index(fields=["word", "person"], name="person_name_word_lookup")]


class PersonNamePair(models.Model):
    """Two words of one person's name as one number (the smaller word id × 2³² + the larger), with her birth
    year: the search's index of people by two words at once. A query of two or more words finds its candidates
    here without reading every person who bears a frequent word ("María", "Hernández"), and a too-broad name is
    narrowed to the years around a birth date from the index alone, and the ranking knows, before reading her
    name, the most she can score. Written with ``PersonNameWord`` by
    ``people.name_index``; never edited by hand."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    pair = models.BigIntegerField()
    born_year = models.PositiveSmallIntegerField(null=True)
    words = models.PositiveSmallIntegerField()  # how many words her name has
    # The least share of her name (per thousand) one word of it uncovers when a search does not match it.
    least_loss = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["pair", "born_year", "person"], name="person_name_pair_lookup")]


class PhoneChoice(models.TextChoices):
    MAIN = "main", _("Main phone")
    ALT = "alt", _("Other phone")
    NONE = "none", _("None: do not call")


class SafeContactPreference(models.Model):
    """How and when it is safe to contact her. Checked before every call, message or SMS, never guessed."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="safe_contact")
    phone_choice = models.CharField(
        _("safe phone"), max_length=10, choices=PhoneChoice.choices, default=PhoneChoice.MAIN
    )
    may_call = models.BooleanField(_("may be called"), default=False)
    may_leave_message = models.BooleanField(_("a message may be left"), default=False)
    may_sms = models.BooleanField(_("may receive SMS"), default=False)
    best_hours = models.CharField(_("safe hours"), max_length=120, blank=True)
    code_word = EncryptedTextField(_("code word"), blank=True)
    notes = EncryptedTextField(_("instructions"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("safe contact preferences")
        verbose_name_plural = _("safe contact preferences")

    @property
    def safe_phone(self) -> str:
        """The number it is safe to use, or "" when no number may be used."""
        if self.phone_choice == PhoneChoice.ALT:
            return self.person.phone_alt
        if self.phone_choice == PhoneChoice.MAIN:
            return self.person.phone
        return ""

    def allows_sms(self) -> bool:
        return self.may_sms and bool(self.safe_phone)


class ConsentPurpose(models.TextChoices):
    PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
    CARE = "care", _("Processing of data for her care")
    REFERRAL = "referral", _("Sharing data for referral")
    SMS = "sms", _("SMS reminders")
    STATISTICS = "statistics", _("Anonymous statistical use")
    MIA_LINK = "mia_link", _("Link the MIA app to her case file")


class ConsentMethod(models.TextChoices):
    """How she gave it, when recorded at the desk: her signature drawn on the tablet, or aloud before a witness.
    Consents recorded by another step (the intake's answer, a referral's box, a course) leave it blank."""

    SIGNATURE = "signature", _("Her signature, drawn at the desk")
    VERBAL = "verbal", _("Verbal consent, before a witness")


class WithdrawalMeans(models.TextChoices):
    """How she said she withdraws a consent."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    WRITING = "writing", _("In writing")
    ARCO = "arco", _("ARCO opposition")


def consent_in_force_q(on: date, prefix: str = "") -> models.Q:
    """The consents in force on ``on``: granted, not withdrawn, and not expired (``expires_on`` is the first day
    it no longer holds). ``prefix`` is the path to the consent (``"consent__"`` from a referral)."""
    p = prefix
    return models.Q(**{f"{p}granted": True, f"{p}revoked_at__isnull": True}) & (
        models.Q(**{f"{p}expires_on__isnull": True}) | models.Q(**{f"{p}expires_on__gt": on})
    )


class ConsentQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None):
        return self.filter(consent_in_force_q(on or timezone.localdate()))


class Consent(models.Model):
    """A consent she gave (or refused): for what, when, how far it reaches, until when, and who recorded it.

    It holds while it is granted, not withdrawn (``revoked_at``: when she withdrew it, ``revoked_by``, how she
    said it) and not expired (``expires_on``: the day it lapses; filled from the purpose's default validity,
    ``ConsentValidity``). Given at the desk, her signature (a PNG drawn on the tablet, encrypted at rest and shown
    only through an audited view) or her verbal consent before a named witness is kept with it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"), default=True)
    given_on = models.DateField(_("date"), default=timezone.localdate)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(_("how she gave it"), max_length=12, choices=ConsentMethod.choices, blank=True)
    # Her signature: the PNG drawn on the tablet, base64, encrypted at rest (core.crypto); its SHA-256 in clear.
    signature_png = EncryptedTextField(blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("witness"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_means = models.CharField(
        _("how she withdrew it"), max_length=12, choices=WithdrawalMeans.choices, blank=True
    )
    withdrawal_note = EncryptedTextField(_("what she said"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        # For the statistics (bench/README.md): her latest statistics consent (reports.indicators.base
        # .statistics_allowed) read from a small index of the statistics consents alone.
        indexes = [
            models.Index(
                fields=["person", "given_on", "id"],
                include=["granted", "revoked_at", "expires_on"],
                condition=models.Q(purpose="statistics"),
                name="consent_statistics_latest",
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_on:%d/%m/%Y})"

    def in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.granted and self.revoked_at is None and (self.expires_on is None or on < self.expires_on)

    @property
    def is_active(self) -> bool:
        """In force today: granted, not withdrawn, not expired."""
        return self.in_force()

    @property
    def state(self) -> str:
        """``refused``, ``withdrawn``, ``expired``, ``expires`` (in force, with an expiry) or ``in_force``."""
        if not self.granted:
            return "refused"
        if self.revoked_at is not None:
            return "withdrawn"
        if self.expires_on is not None:
            return "expires" if timezone.localdate() < self.expires_on else "expired"
        return "in_force"


class ConsentValidity(models.Model):
    """How long a consent for one purpose holds by default (months; none: until she withdraws it). Data the
    director edits; it fills the expiry when a consent is recorded, and the person recording it may change it."""

    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices, unique=True)
    months = models.PositiveSmallIntegerField(_("validity in months"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["purpose"]
        verbose_name = _("default validity of a consent")
        verbose_name_plural = _("default validity of consents")

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.months or '-'}"


class PrivacyNoticeText(models.Model):
    """A privacy notice as it was in force (integral and simplified texts), kept once per distinct text so that
    anyone can later read exactly what a woman accepted. Identified by the hash of both texts and the version."""

    version = models.CharField(_("version"), max_length=40)
    sha256 = models.CharField(max_length=64, unique=True)
    integral = models.TextField(_("integral privacy notice"))
    simplified = models.TextField(_("simplified privacy notice"))
    first_accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-first_accepted_at"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self):
        return f"{self.version} ({self.sha256[:12]})"


class PrivacyNoticeAcceptance(models.Model):
    """She was given the privacy notice and accepted it: which text, when, and before whom (at intake)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="privacy_notice_acceptances")
    notice = models.ForeignKey(PrivacyNoticeText, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("accepted on"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("privacy notice acceptance")
        verbose_name_plural = _("privacy notice acceptances")
