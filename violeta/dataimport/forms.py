from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin
from violeta.dataimport import conf
from violeta.dataimport.fields import FIELDS


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Excel (.xlsx, its first sheet) or CSV; up to %(limit)s MB and %(rows)s rows. The first row must hold "
            "the column names."
        ) % {
            "limit": f"{conf.get('DATAIMPORT_MAX_BYTES') / 1_048_576:g}",
            "rows": f"{conf.get('DATAIMPORT_MAX_ROWS'):,}",
        }


class MappingForm(BootstrapFormMixin, forms.Form):
    """One select per column of the file: which field it holds, or none."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— Do not import —"))] + [(f.key, f.label) for f in FIELDS]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=initial_mapping.get(str(index), ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }
