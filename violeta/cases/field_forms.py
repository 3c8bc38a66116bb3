"""Forms of the intake's configuration (the director's office or the system administration)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.cases.field_models import CustomField, FieldVisibility
from violeta.core.forms import BootstrapFormMixin


class IntakeFieldSettingForm(BootstrapFormMixin, forms.Form):
    visibility = forms.ChoiceField(
        label=_("How it is asked"), choices=FieldVisibility.choices, widget=forms.RadioSelect
    )
    label = forms.CharField(
        label=_("Label"),
        required=False,
        max_length=120,
        help_text=_("Leave it empty to use Violeta's label."),
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999)


class CustomFieldForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CustomField
        fields = ["label", "help_text", "kind", "options", "required", "at_intake", "order", "active"]
        widgets = {"options": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "options": _("Only for a choice from a list: one option per line."),
            "active": _("A retired field is no longer asked; the values already recorded are kept."),
            "at_intake": _("Otherwise it is filled in later, in the case file's additional details."),
        }
