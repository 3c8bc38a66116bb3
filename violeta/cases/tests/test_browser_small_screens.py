"""Phones and small screens (issue 16, finding 7): a 300-character name stretched the case header past the
screen of a 390 px phone."""

import pytest

from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_browser import sign_in
from violeta.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_very_long_name_does_not_widen_the_case_page(page, live_server, lawyer, width):
    long_name = "Guadalupe" + "Maríadelosángeles" * 17  # about 300 letters without a space to break on
    holder = PersonFactory(
        given_names=long_name[:100], first_surname=long_name[100:180], second_surname="López"
    )
    case = CaseFactory(opened_by=lawyer, holder=holder)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, lawyer)
    page.goto(f"{live_server.url}/expedientes/{case.folio}/")
    page.get_by_text(case.folio).first.wait_for()
    assert _overflow(page) <= 0
