"""``flags.html_for``: her flags rendered once per distinct set for a long list (issue 22), each line's markup the
same as rendering her flags alone."""

from django.template.loader import render_to_string
from django.test.signals import template_rendered

from violeta.people.flags import DANGER, WARNING, Flag, html_for

NO_CALL = Flag("no_call", "No llamar", WARNING)
HIGH_RISK = Flag("high_risk", "Riesgo alto", DANGER, "Valoración de riesgo alto")


def test_each_distinct_set_is_rendered_once_and_each_line_as_alone():
    found = {n: [NO_CALL] for n in range(1, 41)} | {n: [HIGH_RISK, NO_CALL] for n in range(41, 51)} | {51: []}
    rendered = []

    def count(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        html = html_for(found)
    finally:
        template_rendered.disconnect(count)
    assert rendered.count("people/_flags.html") == 2
    assert set(html) == set(range(1, 51))
    assert html[7] == render_to_string("people/_flags.html", {"flags": [NO_CALL]})
    assert html[45] == render_to_string("people/_flags.html", {"flags": [HIGH_RISK, NO_CALL]})
    assert "Riesgo alto" in html[45] and "Riesgo alto" not in html[7]
