"""The statistics dashboard: who opens it, what it shows of every indicator, the filters (POSTed, kept in the
session, never in the URL), bad input, and its query bound. Figures against a small data set counted by hand."""

import datetime
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import record_consultation
from violeta.people.models import Neighborhood
from violeta.people.tests.factories import PersonFactory
from violeta.reports import cards
from violeta.reports.forms import SESSION_KEY
from violeta.reports.indicators import INDICATORS, Filters, Rule
from violeta.reports.tests.test_base import at, case_opened, consent

URL = "/estadisticas/"
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30", "rule": "internal"}


class Figures(HTMLParser):
    """The dashboard's cards as data: for each ``data-figure``, its caption, header cells and rows (cell texts,
    the total row last), and whether a chart and a chart's JSON block came with it."""

    def __init__(self, html: str):
        super().__init__()
        self.cards: dict[str, dict] = {}
        self.card = None
        self.cell = None
        self.row = None
        self.in_caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            self.card = self.cards[attrs["data-figure"]] = {
                "caption": "",
                "header": [],
                "rows": [],
                "scopes": [],
                "chart": False,
                "title": "",
            }
        if self.card is None:
            return
        if tag == "canvas" and "data-chart" in attrs:
            self.card["chart"] = attrs["data-chart"]
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
            if attrs.get("scope"):
                self.card["scopes"].append(attrs["scope"])

    def handle_endtag(self, tag):
        if self.card is None:
            return
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            target = "header" if not self.card["header"] and not self.card["rows"] else "rows"
            if target == "header":
                self.card["header"] = self.row
            else:
                self.card["rows"].append(self.row)
            self.row = None
        elif tag == "article":
            self.card = None

    def handle_data(self, data):
        if self.card is None:
            return
        if self.in_caption:
            self.card["caption"] += data
        if self.cell is not None:
            self.cell.append(data)


def figures(response) -> dict[str, dict]:
    assert response.status_code == 200
    return Figures(response.content.decode()).cards


def colonia(name: str, postal_code: str) -> Neighborhood:
    return Neighborhood.objects.create(
        postal_code=postal_code,
        name=name,
        settlement_type="Colonia prueba",
        municipality="Chihuahua",
        state="Chih.",
    )


@pytest.fixture
def town(lawyer, psychologist):
    """Ana (Centro, 40, consented; seen in October and twice in November), Bea (Centro, 20, no consent; once in
    November) and Carla (Dale, 46, consented; once in November, in psychology)."""
    centro, dale = colonia("Centro Prueba", "31000"), colonia("Dale Prueba", "31050")
    ana = case_opened(
        at(1, 10), holder=PersonFactory(neighborhood=centro, birth_date=datetime.date(1986, 3, 1))
    )
    record_consultation(ana, lawyer, when=at(2, 10))
    record_consultation(ana, lawyer, when=at(4))
    record_consultation(ana, lawyer, when=at(18))
    consent(ana.holder, lawyer)
    bea = case_opened(at(9), holder=PersonFactory(neighborhood=centro, birth_date=datetime.date(2006, 5, 1)))
    record_consultation(bea, lawyer, when=at(10))
    carla = case_opened(at(1), holder=PersonFactory(neighborhood=dale, birth_date=datetime.date(1980, 1, 1)))
    record_consultation(carla, psychologist, when=at(12))
    consent(carla.holder, lawyer)
    return {"centro": centro, "dale": dale}


def by_colonia(cards_: dict) -> list[list[str]]:
    return cards_["women_by_neighborhood"]["rows"]


def women(cards_: dict) -> list[list[str]]:
    return cards_["women_attended"]["rows"]


@pytest.mark.django_db
def test_only_coordinators_and_the_director_open_it(client, coordinator, director, lawyer, trainer):
    assert client.get(URL)["Location"].startswith(reverse("account_login"))
    for refused in (lawyer, trainer):
        client.force_login(refused)
        assert client.get(URL).status_code == 404
        assert client.post(URL, NOVEMBER).status_code == 404
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=refused).exists()
    for allowed in (coordinator, director):
        client.force_login(allowed)
        assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_it_shows_every_registered_indicator_with_its_accessible_table(client, director, town):
    client.force_login(director)
    shown = figures(client.get(URL))
    assert set(shown) == set(INDICATORS)
    for slug, one in INDICATORS.items():
        card = shown[slug]
        table = one(Filters.month(2026, 11))
        assert card["caption"].startswith(str(one.title)), slug
        assert card["header"] == [c.label for c in table.columns], slug
        assert card["scopes"][: len(table.columns)] == ["col"] * len(table.columns)
    # the menu of the coordinators and the director leads here
    assert f'href="{URL}"' in client.get(reverse("home"), follow=True).content.decode()


@pytest.mark.django_db
def test_the_filters_change_the_figures(client, director, town):
    client.force_login(director)
    shown = figures(client.post(URL, NOVEMBER, follow=True))
    assert by_colonia(shown) == [
        ["Centro Prueba", "31000", "2"],
        ["Dale Prueba", "31050", "1"],
        ["Total", "", "3"],
    ]
    assert women(shown) == [["Nuevas", "2"], ["De seguimiento", "1"], ["Total", "3"]]
    assert shown["women_attended"]["chart"] == "chart-women_attended"

    shown = figures(client.post(URL, {**NOVEMBER, "neighborhood": town["centro"].pk}, follow=True))
    assert by_colonia(shown) == [["Centro Prueba", "31000", "2"]]
    assert women(shown) == [["Nuevas", "1"], ["De seguimiento", "1"], ["Total", "2"]]

    shown = figures(client.post(URL, {**NOVEMBER, "age_group": "18-29"}, follow=True))
    assert by_colonia(shown) == [["Centro Prueba", "31000", "1"]]

    shown = figures(client.post(URL, {**NOVEMBER, "rule": "statistics"}, follow=True))
    assert by_colonia(shown) == [
        ["Centro Prueba", "31000", "1"],
        ["Dale Prueba", "31050", "1"],
        ["Total", "", "2"],
    ]
    page = client.get(URL).content.decode()
    assert page.count("Cifra que sale del Instituto") >= len(INDICATORS)

    # October: Ana alone, in Centro.
    shown = figures(client.post(URL, {**NOVEMBER, "start": "2026-10-01", "end": "2026-10-31"}, follow=True))
    assert by_colonia(shown) == [["Centro Prueba", "31000", "1"]]

    # A filter an indicator does not apply is named on its card.
    page = client.post(URL, {**NOVEMBER, "program": "empresa"}, follow=True).content.decode()
    assert "Esta cifra no aplica los filtros: programa." in page


@pytest.mark.django_db
def test_the_filters_never_appear_in_the_url_and_stay_in_the_session(client, director, town):
    client.force_login(director)
    page = client.get(URL).content.decode()
    assert f'<form method="post" action="{URL}" hx-post="{URL}"' in page
    chosen = {**NOVEMBER, "neighborhood": town["dale"].pk, "age_group": "45-59"}
    response = client.post(URL, chosen)
    assert response.status_code == 302
    assert response["Location"] == URL  # no query string
    assert client.session[SESSION_KEY]["neighborhood"] == str(town["dale"].pk)
    # A reload shows the same figures.
    assert by_colonia(figures(client.get(URL))) == [["Dale Prueba", "31050", "1"]]
    # htmx gets the figures in place, with no address to push.
    response = client.post(URL, NOVEMBER, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="dashboard")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert not any(header.startswith("HX-") for header in response.headers)
    assert by_colonia(figures(response))[-1] == ["Total", "", "3"]
    # A query string is never read.
    assert by_colonia(
        figures(client.get(URL, {"neighborhood": town["centro"].pk, "start": "2026-10-01"}))
    ) == [
        ["Centro Prueba", "31000", "2"],
        ["Dale Prueba", "31050", "1"],
        ["Total", "", "3"],
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"start": "2026-11-30", "end": "2026-11-01"},
            "El periodo termina antes de empezar: revise las fechas.",
        ),
        ({"start": "2026-02-31"}, "Introduzca una fecha válida."),
        ({"start": "1999-12-31"}, "Elija una fecha a partir del año 2000."),
        ({"start": "2015-01-01", "end": "2026-11-30"}, "Elija un periodo de cinco años o menos."),
        ({"age_group": "12-15"}, "Seleccione una opción válida."),
        ({"rule": ""}, "Este campo es obligatorio."),
    ],
)
def test_bad_input_gives_a_spanish_error_and_changes_no_figure(client, director, town, bad, message):
    client.force_login(director)
    client.post(URL, {**NOVEMBER, "neighborhood": town["dale"].pk})
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(URL, {**NOVEMBER, **bad}, **headers)
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page
        assert "Revise los campos marcados: no se guardó nada." in page
        # The figures shown are still those of the last valid choice, and it is still the one kept.
        assert by_colonia(Figures(page).cards) == [["Dale Prueba", "31050", "1"]]
    assert client.session[SESSION_KEY]["neighborhood"] == str(town["dale"].pk)


@pytest.mark.django_db
def test_the_page_costs_the_indicators_queries_and_a_fixed_few_more(
    client, director, town, django_assert_max_num_queries
):
    client.force_login(director)
    client.post(URL, NOVEMBER)
    with CaptureQueriesContext(connection) as indicators:
        cards.sections(Filters.month(2026, 11), Rule.INTERNAL)
    # Besides the indicators' own (5 with the first three indicators), a fixed few: the session read and saved
    # (in a savepoint), her account, the notices badge, the colonia chosen looked up, the choices of the form's
    # selects (areas, colonias). 8 were counted; none may come from a row, a column or a card.
    with django_assert_max_num_queries(len(indicators) + 10):
        client.get(URL)
    with django_assert_max_num_queries(len(indicators) + 10):
        client.post(URL, {**NOVEMBER, "neighborhood": town["centro"].pk}, HTTP_HX_REQUEST="true")


class ExportForms(HTMLParser):
    """Each card's download form: ``{slug: {field: value}}`` (the hidden inputs it posts)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: dict[str, dict] = {}
        self.current = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("data-exports"):
            self.current = self.forms[attrs["data-exports"]] = {"_action": attrs["action"]}
        elif tag == "input" and self.current is not None and attrs.get("type") == "hidden":
            self.current[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


@pytest.mark.django_db
def test_each_card_downloads_its_figure_with_the_filters_shown_as_it_leaves_the_institute(
    client, director, town
):
    """The card's XLSX button posts its indicator and the filters on screen (never in the URL); the file counts
    under the consent rule with small counts withheld, whatever rule the screen shows."""
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(director)
    page = client.post(URL, {**NOVEMBER, "neighborhood": town["dale"].pk}, follow=True).content.decode()
    forms = ExportForms(page).forms
    assert set(forms) >= set(INDICATORS)
    posted = forms["women_by_neighborhood"]
    action = posted.pop("_action")
    assert "?" not in action
    assert posted["x-neighborhood"] == str(town["dale"].pk)
    assert posted["x-start"] == "2026-11-01" and posted["x-end"] == "2026-11-30"
    response = client.post(action, {**posted, "x-format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "Dale Prueba" in cells
    assert 1 not in cells  # Carla alone: one woman, withheld
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor=director).exists()
