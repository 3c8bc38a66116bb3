"""The statistics app's own data: the narrative of the monthly report to the municipal council.

Every figure is computed from the other apps' records when it is asked for (``reports.indicators``); the only
thing this app keeps is the short text the director writes to open the council report.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CouncilNarrative(models.Model):
    """One version of the narrative that opens the monthly report to the municipal council (*Cabildo*).

    The director edits it; each edit is a new version (never an update), so every report says which version it
    used and who wrote it. The text is **not** a Django template: it is plain text with ``{placeholder}`` fields
    from a fixed list of the month's figures (``reports.council_narrative.PLACEHOLDERS``), replaced by plain
    string substitution. Nothing in it is evaluated, so it cannot run code, call a method or reach any value
    but the figures offered. Before any version is saved the report uses the default text of
    ``council_narrative.default_text()`` (version 0).
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("council report narrative")
        verbose_name_plural = _("council report narratives")

    def __str__(self) -> str:
        return f"v{self.version}"
