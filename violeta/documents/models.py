import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.core.crypto import EncryptedTextField
from violeta.documents.storage import document_storage
from violeta.legal.models import LegalMatter


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
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded on"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title
