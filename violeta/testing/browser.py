"""Pytest plugin: a real Chromium driven by Playwright, for tests marked ``@pytest.mark.browser``.

We drive Debian's ``chromium`` package (``apt-get install chromium``) rather than Playwright's downloaded
browsers, so no browser is fetched from the internet. Browser tests use pytest-django's ``live_server``::

    @pytest.mark.browser
    def test_login(page, live_server):
        page.goto(live_server.url + "/cuenta/login/")

When Chromium is missing the tests are skipped, unless ``VIOLETA_REQUIRE_BROWSER=1`` (CI), which makes them
fail: a browser test that silently never runs proves nothing.

Browser turns: when ``VIOLETA_BROWSER_LOCK`` names a file, each browser test holds an exclusive lock on it
(``flock``) from its set-up to its tear-down, so that test runs sharing the file (CI's two suites, side by side
on two cores) never drive two Chromiums at once. The rest of each suite goes on meanwhile. The summary says how
long this run waited for its turns.
"""

import contextlib
import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test's thread; Django then refuses synchronous ORM
# calls from it (SynchronousOnlyOperation) unless told that this is safe, which it is in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOCALE = "es-MX"
TIMEZONE = "America/Chihuahua"


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)


def browser_required() -> bool:
    return os.environ.get("VIOLETA_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str):
    if browser_required():
        pytest.fail(f"{reason} (VIOLETA_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


class _Turns:
    """How often and how long this run waited for the other run's browser test to end."""

    waits = 0
    waited = 0.0


@contextmanager
def browser_turn(path: str):
    """Hold the exclusive lock on ``path`` for the block, waiting for whoever holds it (counted in ``_Turns``)."""
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            started = time.monotonic()
            fcntl.flock(handle, fcntl.LOCK_EX)
            _Turns.waits += 1
            _Turns.waited += time.monotonic() - started
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(autouse=True)
def _browser_turn(request):
    path = os.environ.get("VIOLETA_BROWSER_LOCK")
    if not path or request.node.get_closest_marker("browser") is None:
        yield
        return
    with browser_turn(path):
        yield


def pytest_terminal_summary(terminalreporter):
    if os.environ.get("VIOLETA_BROWSER_LOCK"):
        terminalreporter.write_sep("-", "browser turns")
        terminalreporter.write_line(
            f"browser tests waited {_Turns.waits} times for another run's, {_Turns.waited / 60:.1f} min in all "
            f"({os.environ['VIOLETA_BROWSER_LOCK']})"
        )


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    executable = chromium_path()
    if not (Path(executable).is_file() and os.access(executable, os.X_OK)):
        _unavailable(f"chromium not installed at {executable}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("chromium cannot be driven: playwright is not installed")

    from playwright.sync_api import expect

    # A loaded CI machine (two cores running the suite, the live server and Chromium) can be slow to paint:
    # wait up to 15 s for what must appear. A bound on waiting, not a performance assertion.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (no cookies shared between tests), in Spanish and Chihuahua time."""
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE)
    page = context.new_page()
    try:
        yield page
    finally:
        # A request still in flight when the test ends (an image of the last page, whose view writes a custody
        # line) holds its locks while the test database is flushed: PostgreSQL broke the flush as a deadlock once
        # (2026-12-07), leaving rows to the next test. The page settles first: no request for 500 ms (bounded,
        # for a page that polls).
        with contextlib.suppress(PlaywrightError):  # never idle, or already closed: closed anyway
            page.wait_for_load_state("networkidle", timeout=3_000)
        context.close()


# On SQLite the test database lives in memory, and Django hands the live server's thread the test's own
# connection so that both see the same data. Two threads on one SQLite connection at once fail ("cannot open
# savepoint - SQL statements in progress"), so on that database a request and the test's own queries (the
# worker it runs, the rows it checks) take turns. PostgreSQL gives each thread its own connection: no turns.
_DATABASE_TURN = threading.RLock()


def _shared_in_memory_database() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@contextmanager
def database_turn():
    """Hold the shared test database for a block of the test's own work (a worker run, a few checks)."""
    if not _shared_in_memory_database():
        yield
        return
    with _DATABASE_TURN:
        yield


@pytest.fixture(autouse=True)
def _database_turns(request, monkeypatch):
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")
    if not _shared_in_memory_database():
        yield
        return
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    serve = WSGIHandler.__call__

    def serve_in_turn(self, environ, start_response):
        with _DATABASE_TURN:
            return serve(self, environ, start_response)

    def query_in_turn(execute, sql, params, many, context):
        with _DATABASE_TURN:
            return execute(sql, params, many, context)

    monkeypatch.setattr(WSGIHandler, "__call__", serve_in_turn)
    with connection.execute_wrapper(query_in_turn):
        yield


# Journeys (violeta/tests/journeys/) save what each step looked like: the run writes them, and the README's
# screenshots are copied from them (scripts/screenshots.sh, docs/screenshots/sources.txt). The folder is
# $VIOLETA_SCREENSHOTS, or screenshots/ under VIOLETA_VAR_DIR (var/ by default).
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def screenshots_root() -> Path:
    from django.conf import settings

    folder = os.environ.get("VIOLETA_SCREENSHOTS")
    return Path(folder) if folder else Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture
def shots(request):
    """``shots(page, "name")`` saves the whole page (``full_page=False``: what the window shows) as ``<root>/<journey>/<name>.png`` and returns the path.

    ``<journey>`` is the test module's name without ``test_``; names are unique within a module.
    """
    journey = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    folder = screenshots_root() / journey
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str, *, full_page: bool = True) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return shot


@pytest.fixture
def phone_page(browser):
    """A page the size of a phone (390 × 844, touch), in Spanish and Chihuahua time, in its own context."""
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def open_menu(page) -> None:
    """On a narrow screen, open the navigation menu and wait until it has finished opening.

    Bootstrap's collapse grows the menu for 0.35 s (class ``collapsing``), then marks it ``show``. A click on
    one of its links during that animation was seen to be lost on a loaded machine (a journey stayed on the page
    it was on), so a test clicks in the menu only once it is open — as a person taps once she sees it.
    """
    import re

    from playwright.sync_api import expect

    page.get_by_role("button", name="Menú").click()
    expect(page.locator("#nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
