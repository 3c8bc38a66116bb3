"""The council report's narrative: only the figures offered, nothing evaluated, every edit a new version."""

import pytest
from django.core.exceptions import ValidationError

from violeta.audit.models import Action, AuditEvent
from violeta.reports.council_narrative import (
    FIELD,
    PLACEHOLDERS,
    check,
    current_narrative,
    default_text,
    render,
)
from violeta.reports.council_services import narrative_save
from violeta.reports.models import CouncilNarrative


@pytest.mark.parametrize(
    "text",
    [
        "Atendimos a {mujeres_atendidas.__class__} mujeres.",
        "Clave: {{ settings.SECRET_KEY }}",
        "{% debug %} {mes}",
        "{0} mujeres",
        "{mujeres_atendidas[0]}",
        "{user} escribió esto",
        "{MES}",
        "Una llave suelta } en el texto",
        "Una llave { sin cerrar",
    ],
)
def test_a_narrative_that_reaches_beyond_the_figures_offered_is_refused_in_spanish(text):
    with pytest.raises(ValidationError) as refused:
        check(text)
    message = " ".join(refused.value.messages)
    assert "no es una de las cifras" in message or "no forma parte de un campo" in message


def test_the_figures_offered_and_the_default_text_pass():
    check("En {mes}, {instituto} atendió a {mujeres_atendidas} mujeres.")
    text = default_text()
    check(text)
    assert "mujeres" in text  # Spanish (es-MX)
    used = set(FIELD.findall(text))
    assert used <= set(PLACEHOLDERS)
    assert {"mes", "mujeres_atendidas", "violencias_principales", "alertas_mia", "canalizaciones"} <= used


def test_rendering_replaces_only_known_fields_and_escapes_everything():
    html = render(
        "Hola <b>{mes}</b> {x.__class__} {secreto}\n\n{mujeres_atendidas} & más",
        {"mes": "<i>noviembre</i>", "secreto": "NO", "mujeres_atendidas": "1,234"},
    )
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "&lt;i&gt;noviembre&lt;/i&gt;" in html and "<i>" not in html
    assert "{x.__class__}" in html  # literal: nothing looked up
    assert "NO" not in html and "{secreto}" in html  # a value outside the list is never used
    assert html.count("<p>") == 2
    assert '<strong class="figure">1,234</strong> &amp; más' in html


def test_too_long_or_empty_is_refused():
    with pytest.raises(ValidationError):
        check("   \n ")
    with pytest.raises(ValidationError):
        check("a" * 4001)


@pytest.mark.django_db
def test_each_save_is_a_new_version_with_its_author_and_is_audited(director):
    assert current_narrative().version == 0
    first = narrative_save(text="Primera {mes}\r\n", by=director)
    second = narrative_save(text="Segunda {mes}", by=director)
    assert (first.version, second.version) == (1, 2)
    assert CouncilNarrative.objects.get(version=1).text == "Primera {mes}"  # versions are never changed
    current = current_narrative()
    assert (current.version, current.text, current.saved.created_by) == (2, "Segunda {mes}", director)
    events = AuditEvent.objects.filter(action=Action.CREATE, object_type="reports.councilnarrative")
    assert sorted(events.values_list("object_id", flat=True)) == sorted([str(first.pk), str(second.pk)])


@pytest.mark.django_db
def test_a_refused_narrative_changes_nothing(director):
    with pytest.raises(ValidationError):
        narrative_save(text="{mes.__init__.__globals__}", by=director)
    assert not CouncilNarrative.objects.exists()
    assert current_narrative().version == 0
