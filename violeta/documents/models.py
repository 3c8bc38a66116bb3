import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.core.crypto import EncryptedTextField
from violeta.documents.storage import document_storage
from violeta.legal.models import LegalMatter


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    SCREENSHOT = "screenshot", _("Screenshot")
    AUDIO = "audio", _("Voice message or recording")


class TakenAtSource(models.TextChoices):
    STATED = "stated", _("As she says")
    EXIF = "exif", _("From the photo's data (EXIF)")


class Document(models.Model):
    """A file attached to a case (a birth certificate, an ID, a ruling), or to one of its legal matters.

    Every document belongs to a case; ``matter`` narrows who may read it to those who may read the matter.
    Other areas attach theirs the same way: a nullable foreign key here (e.g. to a referral) and its rule in
    ``documents.selectors.can_read_document``. The file has a random name in a private folder and leaves only
    through the download view; its original name is encrypted, as it often carries her name.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    matter = models.ForeignKey(
        LegalMatter,
        verbose_name=_("legal matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    # A partner institution's counter-referral letter: read by the case team, and by the liaison who sent it
    # through the referrals app's own views (a liaison never reaches the documents app).
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("referral"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("description"), max_length=150)
    original_name = EncryptedTextField(_("file name"))
    file = models.FileField(storage=document_storage, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    # The stored copy's SHA-256 (what "Verificar integridad" recomputes) and the uploaded original's: the same
    # unless the original carried metadata that was stripped (photos) or was converted (HEIC to JPEG).
    sha256 = models.CharField(_("SHA-256 of the stored copy"), max_length=64)
    original_sha256 = models.CharField(_("SHA-256 of the original"), max_length=64, blank=True)
    metadata_removed = models.BooleanField(_("metadata removed"), default=False)
    # Evidence (a photo of an injury, a voice message of a threat, a screenshot): blank for an ordinary document.
    evidence_kind = models.CharField(_("evidence"), max_length=20, choices=EvidenceKind.choices, blank=True)
    taken_at = models.DateTimeField(_("taken or recorded on"), null=True, blank=True)
    taken_at_source = models.CharField(
        _("date according to"), max_length=10, choices=TakenAtSource.choices, blank=True
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded on"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    @property
    def format_label(self) -> str:
        """The stored file's format in capitals, as people name it (PDF, JPEG, OGG...)."""
        suffix = self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else ""
        return "JPEG" if suffix == "jpg" else suffix.upper()

    @property
    def is_evidence(self) -> bool:
        return bool(self.evidence_kind)

    @property
    def is_image(self) -> bool:
        return self.content_type in ("image/jpeg", "image/png")

    @property
    def is_audio(self) -> bool:
        return self.content_type.startswith("audio/")


class CustodyKind(models.TextChoices):
    RECEIVED = "received", _("Received and stored")
    VIEWED = "viewed", _("Viewed or played")
    DOWNLOADED = "downloaded", _("Downloaded")
    COPY_GIVEN = "copy_given", _("Copy given")
    VERIFIED = "verified", _("Integrity verified")
    MISMATCH = "mismatch", _("Integrity check failed")
    EDITED = "edited", _("Details changed")


class CustodyEntry(models.Model):
    """A line of a document's chain of custody: every time its content left the archive (shown, played,
    downloaded, a copy given to a prosecutor or another authority), every integrity check, every change of its
    details. Written by the services and selectors only, never edited; each line is also in the audit log."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="custody")
    kind = models.CharField(_("what happened"), max_length=20, choices=CustodyKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.CharField(_("given to"), max_length=200, blank=True)
    reason = EncryptedTextField(_("why"), blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded on"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("chain-of-custody entry")
        verbose_name_plural = _("chain of custody")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"
