"""The map of colonias: drawn only when the institute supplies a GeoJSON of its colonias (matched to SEPOMEX's by
postal code and name), with tiles only when configured (and then allowed by the CSP); never an error without."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from violeta.core.middleware import csp_origin
from violeta.reports.colonias import key
from violeta.reports.tests.test_dashboard import NOVEMBER, URL, town  # noqa: F401  (the fixture)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-106.08, 28.63], [-106.07, 28.63], [-106.07, 28.64], [-106.08, 28.63]]],
}


def geojson(tmp_path, features) -> str:
    path = tmp_path / "colonias.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return str(path)


def feature(**properties):
    return {"type": "Feature", "geometry": SQUARE, "properties": properties}


def map_data(page: str) -> dict:
    start = page.index('<script id="map-women_by_neighborhood" type="application/json">')
    body = page[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_a_colonia_is_matched_by_postal_code_and_name_without_case_accents_or_punctuation():
    assert key("31000", "Centro") == key(31000, "CENTRO") == "31000|centro"
    assert key("31050", "Dale  (Sección 2)") == key("31050", "dale seccion 2")
    assert key("1234", "Niños Héroes") == "01234|niños heroes"  # the postal code's leading zero, ñ kept
    assert key("31000", "Centro") != key("31001", "Centro")


@pytest.mark.django_db
def test_without_a_geojson_there_is_no_map_and_no_error(client, director, town, settings):  # noqa: F811
    settings.REPORTS_COLONIAS_GEOJSON = ""
    client.force_login(director)
    page = client.post(URL, NOVEMBER, follow=True).content.decode()
    assert "data-map" not in page
    assert "leaflet" not in page
    assert client.get("/estadisticas/colonias.geojson").json() == {
        "type": "FeatureCollection",
        "features": [],
    }
    # a path that does not exist, or a file that is not GeoJSON: the same page, no map
    settings.REPORTS_COLONIAS_GEOJSON = "/nonexistent/colonias.geojson"
    response = client.get(URL)
    assert response.status_code == 200 and "data-map" not in response.content.decode()


@pytest.mark.django_db
def test_a_file_that_is_not_geojson_gives_no_map(client, director, town, settings, tmp_path):  # noqa: F811
    broken = tmp_path / "colonias.geojson"
    broken.write_text("{not json", encoding="utf-8")
    settings.REPORTS_COLONIAS_GEOJSON = str(broken)
    client.force_login(director)
    response = client.get(URL)
    assert response.status_code == 200
    assert "data-map" not in response.content.decode()


@pytest.mark.django_db
def test_with_a_geojson_the_map_counts_the_women_of_each_colonia(client, director, town, settings, tmp_path):  # noqa: F811
    settings.REPORTS_COLONIAS_GEOJSON = geojson(
        tmp_path,
        [
            feature(
                codigo_postal="31000", asentamiento="CENTRO PRUEBA", clave_interna="no sale", poblacion=1200
            ),
            feature(codigo_postal=31050, asentamiento="Dale Prueba"),
            feature(codigo_postal="31999", asentamiento="Sin mujeres"),
            feature(asentamiento="Sin código postal"),
        ],
    )
    settings.REPORTS_MAP_TILES_URL = ""
    client.force_login(director)
    page = client.post(URL, NOVEMBER, follow=True).content.decode()
    assert "vendor/leaflet/leaflet.js" in page and "vendor/leaflet/leaflet.css" in page
    data = map_data(page)
    assert data["counts"] == {"31000|centro prueba": 2, "31050|dale prueba": 1}
    assert data["tiles"] == ""
    assert data["shapes"] == "/estadisticas/colonias.geojson"

    shapes = client.get(data["shapes"]).json()
    assert [f["properties"] for f in shapes["features"]] == [
        {"key": "31000|centro prueba", "name": "CENTRO PRUEBA", "postal_code": "31000"},
        {"key": "31050|dale prueba", "name": "Dale Prueba", "postal_code": "31050"},
        {"key": "31999|sin mujeres", "name": "Sin mujeres", "postal_code": "31999"},
    ]
    assert shapes["features"][0]["geometry"] == SQUARE


@pytest.mark.django_db
def test_configured_tiles_are_allowed_by_the_csp_for_images_only(client, director, settings):
    assert (
        csp_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://*.tile.openstreetmap.org"
    )
    assert (
        csp_origin("https://mapas.chihuahua.gob.mx/teselas/{z}/{x}/{y}.png")
        == "https://mapas.chihuahua.gob.mx"
    )
    for bad in ("javascript:alert(1)", "/teselas/{z}/{x}/{y}.png", "https://{a}.example.org/{z}.png"):
        with pytest.raises(ImproperlyConfigured):
            csp_origin(bad)

    client.force_login(director)
    assert "img-src 'self' data:;" in client.get(URL)["Content-Security-Policy"]
    settings.REPORTS_MAP_TILES_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    client.handler.load_middleware()  # the policy is built when the middleware is
    csp = client.get(URL)["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tile.openstreetmap.org;" in csp
    assert "script-src 'self';" in csp and "connect-src 'self';" in csp


@pytest.mark.django_db
def test_the_map_is_configured_from_the_environment(client, director, town, monkeypatch, tmp_path):  # noqa: F811
    path = geojson(tmp_path, [feature(codigo_postal="31000", asentamiento="Centro Prueba")])
    monkeypatch.setenv("REPORTS_COLONIAS_GEOJSON", path)
    monkeypatch.setenv("REPORTS_MAP_TILES_URL", "https://teselas.example.org/{z}/{x}/{y}.png")
    client.force_login(director)
    response = client.post(URL, NOVEMBER, follow=True)
    assert map_data(response.content.decode())["tiles"] == "https://teselas.example.org/{z}/{x}/{y}.png"
    assert "img-src 'self' data: https://teselas.example.org;" in response["Content-Security-Policy"]
