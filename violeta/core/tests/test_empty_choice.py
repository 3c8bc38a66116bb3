"""A select's empty choice reads "Elija…", never Django's "---------", which reads as a
glitch (issue 16, finding 4)."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import violeta

pytestmark = pytest.mark.django_db


def _form_classes():
    for module_info in pkgutil.walk_packages(violeta.__path__, "violeta."):
        if module_info.name.endswith(".forms"):
            module = importlib.import_module(module_info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_no_form_shows_dashes_as_its_empty_choice():
    rendered, with_select = 0, 0
    for cls in _form_classes():
        try:
            form = cls()
        except TypeError:  # needs its case, person or user: rendered by the page tests
            continue
        html = str(form)
        rendered += 1
        with_select += "<select" in html
        assert "---------" not in html, cls
    assert rendered >= 20 and with_select >= 8  # the check reached many forms with selects


def test_the_empty_choice_reads_choose_to_staff():
    from django.utils import translation

    from violeta.alerts.forms import AlertCloseForm
    from violeta.referrals.forms import InstitutionForm

    translation.activate("es-mx")
    assert '<option value="" selected>Elija…</option>' in str(InstitutionForm())
    assert "Elija…" in str(AlertCloseForm())


def test_checkbox_and_radio_lists_are_drawn_as_checks_not_as_text_boxes():
    """Issue 16, finding 7 (a sibling): the form mixin gave every checkbox of a list Bootstrap's text-box class."""
    from violeta.core.forms import BootstrapFormMixin

    class Choices(BootstrapFormMixin, forms.Form):
        many = forms.MultipleChoiceField(
            choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )
        one = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    form = Choices()
    for name in ("many", "one"):
        html = str(form[name])
        assert 'class="form-check-input"' in html, html
        assert "form-control" not in html and "form-select" not in html
        assert form.fields[name].is_choice_list
