"""Forms of the MIA console. The contact's pages have only a button, so they need no form class."""

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.alerts.models import Outcome
from violeta.core.forms import BootstrapFormMixin


class AlertCloseForm(BootstrapFormMixin, forms.Form):
    """Staff close an alert with what happened and, when she is (or becomes) a client, her case file."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Outcome.choices])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done. Write only what the follow-up needs."),
    )
    folio = forms.CharField(
        label=_("Case file to link (optional)"),
        required=False,
        max_length=30,
        help_text=_("The folio of her case file, if she has one, e.g. IMM-2026-000123."),
    )

    def clean_folio(self):
        return " ".join(self.cleaned_data["folio"].split()).upper()
