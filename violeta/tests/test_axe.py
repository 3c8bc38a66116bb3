"""The axe-core helper (violeta/testing/axe.py): it runs under the site's strict CSP and reports what it must."""

import pytest

from violeta.testing import axe
from violeta.testing.browser import LOCALE, TIMEZONE

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'"

BROKEN = """<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Prueba</title></head>
<body><main><h1>Prueba</h1>
<img src="/foto.png">
<a href="/otra/"><i class="icono"></i></a>
<button></button>
<label>Nombre <input id="x"></label><input id="x" type="text">
</main></body></html>"""

FINE = """<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Prueba</title></head>
<body><main><h1>Prueba</h1><p>Todo en orden.</p><a href="/otra/">Otra página</a>
<label for="n">Nombre</label><input id="n" type="text"><button type="submit">Enviar</button></main></body></html>"""


def _served(browser, html):
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    page = context.new_page()
    page.route(
        "http://violeta.test/**",
        lambda route: route.fulfill(
            status=200, body=html, headers={"Content-Type": "text/html", "Content-Security-Policy": CSP}
        ),
    )
    page.goto("http://violeta.test/")
    return context, page


@pytest.mark.browser
def test_axe_runs_under_the_strict_csp_and_reports_serious_violations(browser, monkeypatch):
    # A tally of its own: the session's (printed at the end) counts the pages of the site only.
    monkeypatch.setattr(axe, "tally", axe.Tally())
    context, page = _served(browser, BROKEN)
    try:
        found = axe.check(page)
    finally:
        context.close()
    assert (axe.tally.pages, axe.tally.violations) == (1, len(found))
    rules = {line.split()[1] for line in found}
    assert {"image-alt", "link-name", "button-name"} <= rules, found
    line = next(line for line in found if line.startswith("axe image-alt"))
    assert "(critical)" in line and "img" in line


@pytest.mark.browser
def test_axe_finds_nothing_on_a_plain_accessible_page(browser):
    context, page = _served(browser, FINE)
    try:
        assert axe.violations(page) == []
    finally:
        context.close()


def test_the_summary_says_how_many_pages_and_for_whom():
    tally = axe.Tally()
    assert tally.summary() is None
    tally.groups |= {"direccion", "recepcion", "public"}
    tally.add("http://x/", 0)
    tally.add("http://x/y/", 2)
    assert tally.summary() == (
        "axe-core: 2 pages checked (2 personas and the public site), 2 serious or critical violations"
    )
    tally.known = 1
    assert tally.summary().endswith("2 serious or critical violations (1 of them known exceptions)")
