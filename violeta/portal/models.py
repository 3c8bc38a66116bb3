"""The public site's content that staff edit: each page of a service or program, each site text, the contact.

Markdown is what staff write; the sanitised HTML is stored beside it on every save (``portal.markdown``), so a
public page renders stored, safe HTML and never runs the renderer. Every save of an entry is a ``Revision`` with
every field: the history shows what changed and an older version is restored as a new revision.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    SERVICE = "service", _("Service")
    PROGRAM = "program", _("Program")
    TEXT = "text", _("Site text")


# The Markdown fields of an entry, each with its stored HTML in ``<name>_html``.
MARKDOWN_FIELDS = ("body", "offers", "audience", "how_to")
# Everything a revision keeps (and a restore puts back).
REVISION_FIELDS = ("title", "summary", *MARKDOWN_FIELDS, "is_published", "order")


class Entry(models.Model):
    """A page of a service or a program, or a text of the site (the home's intro, browse safely…)."""

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("short summary"), max_length=300, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: **bold**, *italics*, lists, links.")
    )
    offers = models.TextField(_("what it offers"), blank=True)
    audience = models.TextField(_("who can use it"), blank=True)
    how_to = models.TextField(_("how to get it"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    offers_html = models.TextField(editable=False, blank=True)
    audience_html = models.TextField(editable=False, blank=True)
    how_to_html = models.TextField(editable=False, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("site entry")
        verbose_name_plural = _("site entries")

    def __str__(self):
        return self.title

    def snapshot(self) -> dict:
        return {name: getattr(self, name) for name in REVISION_FIELDS}


class Revision(models.Model):
    """One save of an entry: who, when, and every field as it was saved."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    fields = models.JSONField(default=dict)
    note = models.CharField(_("note"), max_length=120, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="portal_revision_unique")]

    def __str__(self):
        return f"{self.entry} v{self.number}"


class SiteContact(models.Model):
    """The institute's address, a plain map link, e-mail and a note: one row (pk 1), seeded from INSTITUTE."""

    address = models.CharField(_("address"), max_length=200)
    map_url = models.URLField(
        _("map link"),
        blank=True,
        help_text=_("An ordinary link to the place on OpenStreetMap; the site never embeds a map."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Markdown: how to get there, parking…"))
    note_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("site contact")
        verbose_name_plural = _("site contact")

    def __str__(self):
        return self.address
