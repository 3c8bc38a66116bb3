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


def _served(browser, html, *, installed=False):
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    if installed:
        axe.install(context)
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
def test_axe_installed_in_a_context_is_in_every_page_under_the_strict_csp(browser, monkeypatch):
    """``install`` (the crawl's way): the library is there before anything is injected, on each new document."""
    monkeypatch.setattr(axe, "tally", axe.Tally())
    context, page = _served(browser, BROKEN, installed=True)
    try:
        monkeypatch.setattr(axe, "source", lambda: pytest.fail("the library was injected again"))
        assert page.evaluate("() => typeof window.axe.run") == "function"
        first = axe.check(page)
        page.goto("http://violeta.test/otra/")  # a new document: installed again, not injected
        again = axe.check(page)
    finally:
        context.close()
    assert first == again and {"image-alt", "link-name", "button-name"} <= {line.split()[1] for line in first}


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


SCROLL_REGIONS = axe.AXE_SOURCE.parents[2] / "js" / "scroll-regions.js"

WIDE_TABLE = """<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Prueba</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Prueba</h1><h2>Llamadas por día</h2>
<div class="table-responsive" id="box"><table><tr>{cells}</tr></table></div>
<script src="/scroll-regions.js"></script></main></body></html>"""


@pytest.mark.browser
def test_a_table_that_scrolls_sideways_is_reachable_with_the_keyboard_only_while_it_scrolls(browser):
    """static/js/scroll-regions.js, the fix for axe's scrollable-region-focusable on phones."""
    cells = "".join(f"<td>columna-número-{n}</td>" for n in range(12))
    html = WIDE_TABLE.format(cells=cells)
    style = "#box { overflow-x: auto; } td { white-space: nowrap; }"
    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, viewport={"width": 390, "height": 844})
    page = context.new_page()

    def serve(route):
        url = route.request.url
        if url.endswith("/scroll-regions.js"):
            route.fulfill(body=SCROLL_REGIONS.read_text(), headers={"Content-Type": "text/javascript"})
        elif url.endswith("/violeta.css"):
            route.fulfill(body=style, headers={"Content-Type": "text/css"})
        else:
            page_html = html.replace("</title>", '</title><link rel="stylesheet" href="/violeta.css">')
            route.fulfill(
                body=page_html, headers={"Content-Type": "text/html", "Content-Security-Policy": CSP}
            )

    page.route("http://violeta.test/**", serve)
    try:
        page.goto("http://violeta.test/")
        box = page.locator("#box")
        assert box.get_attribute("tabindex") == "0"
        assert (box.get_attribute("role"), box.get_attribute("aria-label")) == ("region", "Llamadas por día")
        assert axe.violations(page) == []
        page.set_viewport_size({"width": 2400, "height": 844})
        page.wait_for_function("() => !document.getElementById('box').hasAttribute('tabindex')")
        assert box.get_attribute("role") is None
    finally:
        context.close()
