"""The council report: statistics rule, disclosure control, charts, the PDF, the pages, the audit."""

import datetime
import re

import pytest
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.reports.council import council_context, council_report, narrative_preview, pdf
from violeta.reports.council_services import narrative_save
from violeta.reports.models import CouncilNarrative
from violeta.reports.tests.council_data import november


def section(html: str, slug: str) -> str:
    start = html.index(f'id="figure-{slug}"')
    end = html.find('class="indicator"', start + 1)
    return html[start : end if end > 0 else None]


def cells(fragment: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", fragment)]


@pytest.mark.django_db
def test_only_consenting_women_are_counted_and_small_counts_never_appear(lawyer):
    november(lawyer)
    context = council_context(2026, 11)
    figures = {figure.slug: figure for figure in context["figures"]}

    women = figures["women_attended"]
    # 6 new and 3 follow-up (consenting only): 3 is withheld, and 6 with it (9 - 6 = 3); the total 9 is published.
    assert [[text for text, _n in row] for row in women.rows] == [["Nuevas", "*"], ["De seguimiento", "*"]]
    assert [text for text, _n in women.total] == ["Total", "9"]
    assert any("menos de 5" in line for line in women.notes)
    assert "<rect" not in women.svg  # no bar drawn for a withheld figure
    consultations = figures["consultations"]
    assert [[text for text, _n in row] for row in consultations.rows] == [["Jurídica", "Presencial", "9"]]

    html = council_report(2026, 11).html
    women_html = section(html, "women_attended")
    assert cells(women_html) == ["Nuevas", "*", "De seguimiento", "*", "Total", "9"]
    for small in ("3", "6"):  # neither the withheld counts nor what everyone would count (13, 10)
        assert small not in cells(women_html)
    assert "13" not in cells(html) and "10" not in cells(html)
    narrative = html[html.index('class="narrative"') : html.index('class="section"')]
    assert '<strong class="figure">9</strong> mujeres' in narrative
    assert '<strong class="figure">(cifra reservada)</strong> acudieron por primera vez' in narrative
    assert '<strong class="figure">9</strong> consultas' in narrative


@pytest.mark.django_db
def test_the_report_has_its_month_charts_methods_and_is_a_real_pdf(lawyer):
    november(lawyer)
    report = council_report(2026, 11)
    html = report.html
    assert "noviembre de 2026" in html.lower()
    assert "Informe mensual al Cabildo" in html
    assert "01/11/2026" in html and "30/11/2026" in html
    consultations = section(html, "consultations")
    assert "<svg" in consultations and "<rect" in consultations and ">Jurídica<" in consultations
    assert "<script" not in html
    assert "Nota metodológica" in html and "consentimiento" in html.lower()
    assert "versión 0" in html.lower() or "(versión 0)" in html
    document = pdf(html)
    assert document.startswith(b"%PDF-")
    assert len(document) > 5000


@pytest.mark.django_db
def test_the_report_says_which_narrative_version_it_used(director, lawyer):
    november(lawyer)
    narrative_save(text="Texto de prueba para {mes}: {consultas} consultas.", by=director)
    html = council_report(2026, 11).html
    assert 'Texto de prueba para <strong class="figure">noviembre de 2026</strong>:' in html
    assert "versión 1" in html


# --- The pages -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_downloads_the_month_she_chooses_and_the_download_is_audited(
    client, coordinator, lawyer
):
    november(lawyer)
    client.force_login(coordinator)
    assert client.get(reverse("reports:council")).status_code == 200
    response = client.post(reverse("reports:council"), {"month": "2026-11"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="informe-cabildo-2026-11.pdf"'
    assert response.content.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="reports.council")
    assert (event.actor, event.object_id) == (coordinator, "2026-11")
    assert "narrativa versión 0" in event.detail


@pytest.mark.parametrize("month", ["2026-13", "noviembre", "", "1999-12", "2999-01"])
@pytest.mark.django_db
def test_a_bad_month_gives_a_spanish_error_and_no_report(client, director, month):
    client.force_login(director)
    response = client.post(reverse("reports:council"), {"month": month})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert any(
        phrase in text
        for phrase in ("Escriba el mes", "entre 1 y 12", "todavía no empieza", "a partir de", "obligatorio")
    )
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.django_db
def test_only_the_director_edits_the_narrative(client, coordinator, director):
    url = reverse("reports:council_narrative")
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Mi texto {mes}", "save": "1"}).status_code == 404
    assert not CouncilNarrative.objects.exists()

    client.force_login(director)
    page = client.get(url)
    assert page.status_code == 200 and "{mujeres_atendidas}" in page.content.decode()
    preview = client.post(url, {"text": "Vista previa de {mes}"})
    assert preview.status_code == 200
    assert "Vista previa de" in preview.content.decode()
    assert not CouncilNarrative.objects.exists()  # a preview saves nothing

    saved = client.post(url, {"text": "Primera versión, {mes}", "save": "1"})
    assert saved.status_code == 302
    client.post(url, {"text": "Segunda versión, {mes}", "save": "1"})
    versions = list(CouncilNarrative.objects.order_by("version").values_list("version", "text", "created_by"))
    assert versions == [
        (1, "Primera versión, {mes}", director.pk),
        (2, "Segunda versión, {mes}", director.pk),
    ]


@pytest.mark.django_db
def test_the_preview_uses_last_months_figures_and_htmx_gets_the_partial(client, director, lawyer):
    november(lawyer)
    client.force_login(director)
    response = client.post(
        reverse("reports:council_narrative"),
        {"text": "En {mes} hubo {consultas} consultas."},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and 'id="preview"' in text
    # The preview is last month's: on 5 December 2026, the November counted by hand.
    preview, month = narrative_preview("En {mes} hubo {consultas} consultas.", datetime.date(2026, 12, 5))
    assert month == "noviembre de 2026"
    assert '<strong class="figure">9</strong> consultas' in preview


@pytest.mark.django_db
def test_a_narrative_that_reaches_further_is_refused_and_nothing_is_saved(client, director):
    client.force_login(director)
    response = client.post(
        reverse("reports:council_narrative"), {"text": "{mes.__class__.__init__.__globals__}", "save": "1"}
    )
    assert response.status_code == 400
    assert "no es una de las cifras" in response.content.decode()
    assert not CouncilNarrative.objects.exists()


@pytest.mark.django_db
def test_the_pages_answer_in_few_queries(client, director, django_assert_max_num_queries):
    client.force_login(director)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reports:council")).status_code == 200
    with django_assert_max_num_queries(40):  # the preview counts last month's figures (six indicators)
        assert client.get(reverse("reports:council_narrative")).status_code == 200


@pytest.mark.django_db
def test_an_htmx_preview_of_a_bad_text_shows_the_error_in_place(client, director):
    client.force_login(director)
    response = client.post(
        reverse("reports:council_narrative"), {"text": "Hola {usuario}"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200  # htmx swaps only successful answers
    text = response.content.decode()
    assert 'id="preview"' in text and "no es una de las cifras" in text
    assert not CouncilNarrative.objects.exists()
