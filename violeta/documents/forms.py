from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin
from violeta.documents.filetypes import ACCEPT


class DocumentForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(
        label=_("What is it?"),
        max_length=150,
        help_text=_("For example: birth certificate, voter ID, ruling. Do not write her name."),
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    matter = forms.TypedChoiceField(label=_("Legal matter"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, matters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, JPEG or PNG image, Word, Excel or OpenDocument; up to %(limit)s MB."
        ) % {"limit": f"{settings.DOCUMENTS_MAX_BYTES / 1_048_576:g}"}
        if matters is None:
            del self.fields["matter"]
        else:
            self.fields["matter"].choices = [("", _("The case file (whole team)"))] + [
                (m.pk, f"{m.get_kind_display()} · {m.get_stage_display()}") for m in matters
            ]
