"""Selects render their options inline: the same markup as Django's, without two template includes per option
(issue 22: the case page's "add to the team" list of the institute's staff cost ~250 includes per view)."""

import re

import pytest
from django import forms
from django.test.signals import template_rendered

from violeta.core.forms import SELECT_TEMPLATE, BootstrapFormMixin

CHOICES = [
    ("", "Elija…"),
    ("Áreas", [("1", "Jurídico"), ("2", 'Psicología "A" & <b>')]),
    ("3", "Trabajo social"),
]


class Choosing(BootstrapFormMixin, forms.Form):
    one = forms.ChoiceField(choices=CHOICES)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], widget=forms.SelectMultiple)
    maybe = forms.NullBooleanField(widget=forms.NullBooleanSelect)
    many_people = forms.ChoiceField(choices=[(str(n), f"Persona {n}") for n in range(200)])


def _django_render(field):
    widget = field.field.widget
    mine, widget.template_name = widget.template_name, forms.Select.template_name
    try:
        return str(field)
    finally:
        widget.template_name = mine


def _squeeze(html):
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data", [None, {"one": "2", "many": ["1", "3"], "maybe": "true", "many_people": "7"}]
)
def test_the_markup_is_django_s(data):
    form = Choosing(data)
    for name in ("one", "many", "maybe", "many_people"):
        field = form[name]
        assert field.field.widget.template_name == SELECT_TEMPLATE
        assert _squeeze(str(field)) == _squeeze(_django_render(field)), name
    assert ('value="2" selected' in str(form["one"])) == bool(data)
    assert "Psicología &quot;A&quot; &amp; &lt;b&gt;" in str(form["one"])


def test_two_hundred_options_render_one_template_not_four_hundred():
    rendered = []

    def count(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        html = str(Choosing()["many_people"])
    finally:
        template_rendered.disconnect(count)
    assert html.count("<option") == 200
    assert len(rendered) <= 3, rendered[:5]
