"""Every public page, as a phone on little data loads it the first time: nothing from another origin (no
tracker, font, map tile or script of a third party) and at most 150 KB transferred, everything included.

The pages are found by following the links of the public home (same origin, not forms), so a page the site
adds later is measured without touching this test; the pages reached by an unguessable link (her card, a
training's sign-up, a certificate's and a letter's verification) are built with the apps' factories.
"""

from collections import deque
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.card.tests import factories as card_factories
from violeta.programs import services as programs
from violeta.programs.tests import factories as program_factories
from violeta.testing.browser import LOCALE, PHONE, TIMEZONE, database_turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 150 * 1024
# Not pages of the public site: the staff's sign-in and their screens, and MIA (her app, with its own layout).
NOT_THE_SITE = ("/cuenta/", "/mia/", "/admin/", "/static/", "/media/")


def _keyed_pages(trainer, card_office, social_worker, lawyer) -> list[str]:
    from violeta.cases.tests.factories import CaseFactory
    from violeta.referrals.tests.factories import dif, refer

    card = card_factories.issued_card(card_office)
    training = program_factories.training(trainer, title="Noviazgo sin violencia")
    program_factories.session(training, trainer, days_from_now=3)
    training = programs.signup_open(
        training=training, by=trainer, closes_at=timezone.now() + timedelta(days=2)
    )
    held = program_factories.training(trainer, title="Igualdad sustantiva", hours=2)
    session = program_factories.session(held, trainer, days_from_now=-3)
    rosa = program_factories.attendee(held, trainer, full_name="Rosa Elena Quiñónez")
    programs.attendance_mark(session=session, attendee=rosa, present=True, by=trainer)
    certificate = programs.certificates_issue(training=held, by=trainer)[0]
    referral = refer(CaseFactory(opened_by=social_worker, team=(lawyer,)), social_worker, dif())
    return [
        reverse("card:holder_card", args=[card.holder_token]),
        reverse("programs:signup", args=[training.signup_token]),
        reverse("programs:certificate_verify", args=[certificate.verify_token]),
        reverse("referrals:verify", args=[referral.verify_token]),
    ]


TRANSFERRED = """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
    .reduce((total, entry) => total + entry.transferSize, 0)"""


def _measure(page, url: str) -> tuple[int, list[str], list[str]] | None:
    """Loads ``url`` in a fresh tab; returns (bytes transferred, requests to another origin, same-origin links).

    The bytes are the browser's own count (Resource Timing's transferSize: headers and the body as it came over
    the wire) of the page and of everything it loaded.
    """
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    foreign = []

    def on_request(request):
        network = request.url.startswith(("http:", "https:", "ws:", "wss:"))  # not the browser's own viewer
        if network and not request.url.startswith(origin + "/"):
            foreign.append(request.url)

    page.on("request", on_request)
    response = page.goto(url, wait_until="load")
    if not response.headers.get("content-type", "").startswith("text/html"):
        return None  # a document she downloads (her card's PDF), not a page
    page.wait_for_timeout(300)  # what a script of the page loads once it runs
    total = page.evaluate(TRANSFERRED)
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return total, foreign, links


def test_every_public_page_is_light_and_loads_nothing_from_another_origin(
    browser, live_server, trainer, card_office, social_worker, lawyer
):
    with database_turn():
        keyed = _keyed_pages(trainer, card_office, social_worker, lawyer)
    origin = live_server.url
    queue, seen, report = deque(["/", *keyed]), set(), {}
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        # A new context each time: an empty cache, as on her first visit.
        context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, viewport=PHONE, is_mobile=True)
        try:
            measured = _measure(context.new_page(), origin + path)
        finally:
            context.close()
        if measured is None:
            continue
        total, foreign, links = measured
        report[path] = (total, foreign)
        for link in links:
            link = urldefrag(link).url
            if link.startswith(origin + "/"):
                target = link[len(origin) :]
                if not target.startswith(NOT_THE_SITE) and target not in seen:
                    queue.append(target)
    assert all(total > 1000 for total, _f in report.values()), report  # measured, not zero
    assert len(report) >= 8, sorted(report)  # the home, the pages it links to, and the four keyed pages
    heavy = {path: total for path, (total, _f) in report.items() if total > BUDGET}
    foreign = {path: urls for path, (_t, urls) in report.items() if urls}
    assert not foreign and not heavy, f"requests to another origin: {foreign}; over {BUDGET} bytes: {heavy}"
