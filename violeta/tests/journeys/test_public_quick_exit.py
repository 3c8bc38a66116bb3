"""Journey: the quick exit of the public site, as she would use it on her phone or a shared computer.

By the button, by Escape and by Shift pressed three times: the page is blanked at once and replaced by the
neutral site (location.replace), and Back does not bring the public site back. Two presses of Shift and a
pause do nothing. Without JavaScript the button is a plain link that leaves.

The neutral site is served by Playwright (no internet in tests): PUBLIC_EXIT_URL points at it.
"""

import pytest
from playwright.sync_api import expect

from violeta.testing.browser import DESKTOP, LOCALE, PHONE, TIMEZONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEUTRAL = "https://clima.example/chihuahua"
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def visit(browser, live_server, settings):
    settings.PUBLIC_EXIT_URL = NEUTRAL
    contexts = []

    def open_page(viewport, *, javascript=True):
        context = browser.new_context(
            locale=LOCALE, timezone_id=TIMEZONE, viewport=VIEWPORTS[viewport], java_script_enabled=javascript
        )
        contexts.append(context)
        context.route(
            "https://clima.example/**",
            lambda route: route.fulfill(
                status=200, body="<title>Clima</title><h1>Clima</h1>", content_type="text/html"
            ),
        )
        page = context.new_page()
        # Two pages of the site in the tab's history: the one she leaves, and one she read before it.
        page.goto(live_server.url + "/")
        page.goto(live_server.url + "/tarjeta/comercios/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _left(page):
    expect(page).to_have_url(NEUTRAL)
    expect(page.get_by_role("heading", name="Clima")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    # Back does not show the public site: the page she left is not in the history, and the one before it
    # leaves again at once (a return after a quick exit).
    expect(page).to_have_url(NEUTRAL)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_quick_exit_by_the_button(visit, viewport, shots):
    page = visit(viewport)
    button = page.get_by_role("link", name="Salida rápida", exact=True)
    expect(button).to_be_visible()
    shots(page, f"{viewport}-button", full_page=False)
    button.click()
    _left(page)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_quick_exit_by_escape(visit, viewport):
    page = visit(viewport)
    page.keyboard.press("Escape")
    _left(page)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_quick_exit_by_shift_three_times(visit, viewport, shots):
    page = visit(viewport)
    dots = page.locator("[data-quick-exit-indicator] .is-on")
    status = page.locator("[data-quick-exit-status]")
    expect(dots).to_have_count(0)
    page.keyboard.press("Shift")
    expect(dots).to_have_count(1)
    expect(status).to_contain_text("2 veces más")
    page.keyboard.press("Shift")
    expect(dots).to_have_count(2)
    expect(status).to_contain_text("1 vez más")
    shots(page, f"{viewport}-shift-twice", full_page=False)
    page.keyboard.press("Shift")
    _left(page)


def test_the_skip_link_reaches_the_quick_exit_first(visit):
    page = visit("desktop")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Ir a la salida rápida")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("id", "quick-exit")
    page.keyboard.press("Enter")
    _left(page)


def test_two_presses_then_a_pause_do_nothing(visit):
    page = visit("phone")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(page.locator("[data-quick-exit-indicator] .is-on")).to_have_count(2)
    page.wait_for_timeout(5_500)  # longer than the five-second window
    expect(page.locator("[data-quick-exit-indicator] .is-on")).to_have_count(0)
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.endswith("/tarjeta/comercios/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_typing_capitals_is_not_a_quick_exit(visit):
    """Shift held to type a capital letter is not a press of the shortcut."""
    page = visit("desktop")
    page.get_by_label("Buscar").first.click()
    page.keyboard.type("ABC")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.endswith("/tarjeta/comercios/")


def test_without_javascript_the_button_is_a_plain_link(visit):
    page = visit("phone", javascript=False)
    link = page.get_by_role("link", name="Salida rápida", exact=True)
    assert link.get_attribute("href") == NEUTRAL and "noreferrer" in link.get_attribute("rel")
    link.click()
    expect(page).to_have_url(NEUTRAL)
