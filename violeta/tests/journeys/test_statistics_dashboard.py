"""Journey (issue 18): the director opens the statistics dashboard from her menu, sees every figure drawn as a
chart beside its table (and the colonias on a map, the institute having supplied their shapes), filters by
colonia and age group, and the figures change in place while the address stays the same; a reload keeps them.

Personas: the director (desktop). Three women attended last month: Ana (Centro, 40) and Bea (Centro, 20), and
Carla (Dale, 46)."""

import datetime
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.cases.tests.test_browser import sign_in
from violeta.people.models import Neighborhood
from violeta.people.tests.factories import PersonFactory
from violeta.reports.forms import last_full_month
from violeta.reports.indicators import INDICATORS
from violeta.testing.browser import database_turn, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def square(lon: float, lat: float) -> dict:
    d = 0.01
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
    }


def attended(holder, lawyer, day: datetime.date):
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    case = CaseFactory(holder=holder, opened_by=lawyer)
    Case.objects.filter(pk=case.pk).update(opened_at=when)
    record_consultation(case, lawyer, when=when)


def canvases_drawn(page) -> list[bool]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => Boolean(Chart.getChart(c)))"
    )


def test_the_director_sees_every_figure_and_filters_by_colonia_and_age_group(
    page, phone_page, live_server, shots, director, lawyer, settings, tmp_path
):
    first, _last = last_full_month()
    with database_turn():
        hoods = {}
        for name, postal_code in (("Centro Prueba", "31000"), ("Dale Prueba", "31050")):
            hoods[name] = Neighborhood.objects.create(
                postal_code=postal_code,
                name=name,
                settlement_type="Colonia",
                municipality="Chihuahua",
                state="Chih.",
            )
        for hood, born in (("Centro Prueba", 1986), ("Centro Prueba", 2006), ("Dale Prueba", 1980)):
            holder = PersonFactory(neighborhood=hoods[hood], birth_date=datetime.date(born, 1, 15))
            attended(holder, lawyer, first + datetime.timedelta(days=3))
    shapes = tmp_path / "colonias.geojson"
    shapes.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": square(-106.08, 28.63),
                        "properties": {"codigo_postal": "31000", "asentamiento": "Centro Prueba"},
                    },
                    {
                        "type": "Feature",
                        "geometry": square(-106.06, 28.65),
                        "properties": {"codigo_postal": "31050", "asentamiento": "Dale Prueba"},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    settings.REPORTS_COLONIAS_GEOJSON = str(shapes)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    # --- She opens the dashboard from her menu: every indicator, each with its chart and its table -----------
    sign_in(page, live_server, director)
    page.get_by_role("link", name="Estadísticas", exact=True).click()
    expect(page.get_by_role("heading", name="Estadísticas para la política pública")).to_be_visible()
    address = page.url
    assert address == live_server.url + "/estadisticas/"
    for one in INDICATORS.values():
        figure = page.locator(f"#figure-{one.slug}")
        expect(figure.get_by_role("heading", name=str(one.title))).to_be_visible()
        expect(figure.locator("table caption")).to_contain_text(str(one.title))
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    assert canvases_drawn(page) and all(canvases_drawn(page))
    by_colonia = page.locator("#figure-women_by_neighborhood")
    expect(by_colonia.get_by_role("row", name=re.compile(r"Centro Prueba 31000 2"))).to_be_visible()
    expect(by_colonia.get_by_role("row", name=re.compile(r"Total 3"))).to_be_visible()
    # the colonias on the map (no tiles configured: the shapes alone)
    expect(by_colonia.locator(".leaflet-interactive")).to_have_count(2)
    shots(page, "tablero")
    shots(page, "tablero-inicio", full_page=False)  # what the director sees first (the README's)
    by_colonia.scroll_into_view_if_needed()
    shots(page, "tablero-colonias", full_page=False)
    assert horizontal_overflow(page) == 0

    # --- She filters by colonia and age group: the figures change in place, the address does not -------------
    filters = page.locator("#dashboard-filters")
    filters.get_by_label("Colonia", exact=True).select_option(label="Centro Prueba (31000)")
    filters.get_by_label("Grupo de edad", exact=True).select_option(label="18 a 29")
    filters.get_by_role("button", name="Ver las cifras").click()
    expect(by_colonia.get_by_role("row", name=re.compile(r"Centro Prueba 31000 1"))).to_be_visible()
    expect(by_colonia.get_by_role("row", name=re.compile(r"Total"))).to_have_count(0)
    expect(
        page.locator("#figure-women_attended").get_by_role("row", name=re.compile(r"Nuevas 1"))
    ).to_be_visible()
    assert page.url == address
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    assert all(canvases_drawn(page))
    shots(page, "tablero-filtrado")

    # --- A reload shows the same figures (the filters are kept in her session) --------------------------------
    page.reload()
    expect(by_colonia.get_by_role("row", name=re.compile(r"Centro Prueba 31000 1"))).to_be_visible()
    expect(page.locator("#dashboard-filters").get_by_label("Grupo de edad", exact=True)).to_have_value(
        "18-29"
    )
    assert all(canvases_drawn(page))
    assert not problems, problems

    # --- On her phone the same page fits the screen: the tables scroll in their boxes, the charts shrink -----
    sign_in(phone_page, live_server, director)
    phone_page.goto(address)
    expect(phone_page.locator("#figure-women_by_neighborhood table")).to_be_attached()
    expect(phone_page.locator("canvas[data-chart]").first).to_be_visible()
    assert horizontal_overflow(phone_page) == 0
