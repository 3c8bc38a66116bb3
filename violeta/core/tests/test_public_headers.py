"""The security headers of the public site: nothing from another origin, no framing, no referrer to other sites,
no camera, microphone or location for a page that needs none, and nothing kept in the browser's cache."""

import pytest

PUBLIC_PAGES = [
    "/",
    "/navega-con-seguridad/",
    "/tarjeta/solicitar/",
    "/tarjeta/comercios/",
    "/aviso-de-privacidad/",
]


@pytest.mark.parametrize("address", PUBLIC_PAGES)
def test_public_pages_send_strict_headers(client, db, address):
    response = client.get(address)
    assert response.status_code == 200, address
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "http" not in csp  # no other origin at all
    assert response["Referrer-Policy"] in ("no-referrer", "same-origin")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Permissions-Policy"]
    assert {"geolocation=()", "camera=()", "microphone=()"} <= {p.strip() for p in policy.split(",")}
    assert "no-store" in response["Cache-Control"]


def test_the_mia_app_keeps_its_location(client, db):
    """MIA sends her location when she raises an alert: its shell may ask for it; the site's pages may not."""
    response = client.get("/mia/")
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_public_pages_use_the_public_frame(client, db):
    """No Bootstrap and no icon font on a public page: the public stylesheet, the quick exit, the 9-1-1 line."""
    for address in PUBLIC_PAGES:
        body = client.get(address).content.decode()
        assert "css/public.css" in body and "bootstrap" not in body and "bootstrap-icons" not in body, address
        assert "data-quick-exit" in body and "js/quick-exit.js" in body and 'href="tel:911"' in body, address
        assert "card/quick-exit.js" not in body, address
