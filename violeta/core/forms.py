"""Form fields that parse at the edge (CURP, phone) and a Bootstrap-friendly base form."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from violeta.core.validators import format_phone, parse_curp, parse_phone

EMPTY_CHOICE = "-" * 9  # Django's empty choice, which reads as a glitch
CHOICES_TEMPLATE = "core/widgets/choices.html"
SELECT_TEMPLATE = "core/widgets/select.html"


class CheckboxPicker(forms.CheckboxSelectMultiple):
    """Checkboxes in a box that scrolls, with a filter above them: for choosing a few among many (a case's team
    among the institute's staff), where a Ctrl-click multi-select loses people. static/js/picker.js filters."""

    template_name = "core/widgets/picker.html"

    def __init__(self, attrs=None, choices=(), filter_placeholder=None):
        super().__init__(attrs, choices)
        self.filter_placeholder = filter_placeholder or _("Filter by name or area")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["filter_placeholder"] = self.filter_placeholder
        return context


class PlainSelect(forms.Select):
    """A select written in Python, its options joined by ``format_html_join``: the markup of
    ``core/widgets/select.html`` without a template pass (and Django's option dictionaries) per option. For the
    staff selects, which offer a state's hundreds of people: on the case page the team's "add" took 6.9 ms as
    templates (issue 22, measured on the state data)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        options = self._options(self.choices, chosen, [False])
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)

    def _options(self, choices, chosen, found):
        """The options' markup, each value and label escaped. As Django's select, a single select marks only the
        first option of its value."""
        return format_html_join("", "{}", ((part,) for part in self._each(choices, chosen, found)))

    def _each(self, choices, chosen, found):
        for option_value, label in choices:
            if isinstance(label, list | tuple):  # a group: (name, [(value, label), ...])
                inner = self._options(label, chosen, found)
                yield format_html('<optgroup label="{}">{}</optgroup>', option_value, inner)
                continue
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and (self.allow_multiple_selected or not found[0])
            found[0] = found[0] or selected
            yield format_html(
                '<option value="{}"{}>{}</option>', text, " selected" if selected else "", label
            )


class BootstrapFormMixin:
    """Adds Bootstrap classes to widgets, so templates render fields with one include, and names the empty choice
    of a select in words ("Elija…"; a form for her would set ``empty_choice_label`` to the *tú* form)."""

    empty_choice_label = pgettext_lazy("empty choice of a select", "Choose…")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self._name_empty_choice(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                # A list of choices: each one a check, the list drawn as a fieldset (includes/field.html).
                field.is_choice_list = True
                if widget.template_name in (
                    forms.CheckboxSelectMultiple.template_name,
                    forms.RadioSelect.template_name,
                ):
                    widget.template_name = CHOICES_TEMPLATE
                widget.attrs["class"] = "form-check-input"
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
                if widget.template_name == forms.Select.template_name:  # the same for SelectMultiple
                    widget.template_name = SELECT_TEMPLATE
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def _name_empty_choice(self, field) -> None:
        if getattr(field, "empty_label", None) == EMPTY_CHOICE:
            field.empty_label = self.empty_choice_label
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = list(field.choices)
            if any(label == EMPTY_CHOICE for _value, label in choices):
                field.choices = [
                    (value, self.empty_choice_label if label == EMPTY_CHOICE else label)
                    for value, label in choices
                ]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
                widget.attrs["aria-invalid"] = "true"


class PhoneField(forms.CharField):
    """A phone as people write it (614 490 0789, (614) 4900789, +52 1 614…); cleaned to E.164."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("inputmode", "tel")

    def prepare_value(self, value):
        return format_phone(value) if isinstance(value, str) and value.startswith("+") else value

    def clean(self, value):
        value = super().clean(value)
        return parse_phone(value) if value else ""


class CurpField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 25)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("class", "text-uppercase")

    def clean(self, value):
        value = super().clean(value)
        return parse_curp(value) if value else None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
