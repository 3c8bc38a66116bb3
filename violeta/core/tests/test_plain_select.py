"""``PlainSelect`` writes in Python the markup ``core/widgets/select.html`` writes as a template (issue 22: the
case page's team select of a state's staff cost 6.9 ms as templates): the same select for the same choices."""

import pytest
from django import forms
from django.test.html import parse_html

from violeta.core.forms import SELECT_TEMPLATE, BootstrapFormMixin, PlainSelect

CHOICES = [
    ("", "Elija…"),
    (1, 'Ana <Pérez> & "Hijas" · Jurídica'),
    (2, "Beatriz · Psicología"),
    (2, "La misma otra vez"),  # only the first of a value is marked, as Django's select does
    ("Coordinación", [(3, "Carmen · Coordinación"), (4, "Dora · Coordinación")]),
]


def form_class(widget):
    class Chosen(BootstrapFormMixin, forms.Form):
        who = forms.ChoiceField(label="Quién", choices=CHOICES, widget=widget)

    return Chosen


def as_template(data=None) -> str:
    form = form_class(forms.Select)(data)
    assert form.fields["who"].widget.template_name == SELECT_TEMPLATE
    return str(form["who"])


def as_python(data=None) -> str:
    return str(form_class(PlainSelect)(data)["who"])


@pytest.mark.parametrize("data", [None, {"who": "2"}, {"who": "4"}, {"who": "9"}])
def test_it_writes_the_select_the_template_writes(data):
    python, template = as_python(data), as_template(data)
    assert parse_html(python) == parse_html(template)
    if data:
        assert python.count(" selected") == (data["who"] != "9")


def test_names_are_escaped_and_the_field_keeps_its_attributes():
    html = as_python({"who": "9"})  # not a choice: the field is invalid
    assert "Ana &lt;Pérez&gt; &amp; &quot;Hijas&quot;" in html and "<Pérez>" not in html
    assert 'name="who"' in html and 'id="id_who"' in html and "required" in html
    assert 'class="form-select is-invalid"' in html and 'aria-invalid="true"' in html
    assert '<optgroup label="Coordinación">' in html
