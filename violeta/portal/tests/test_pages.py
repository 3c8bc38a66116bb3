"""The public pages (issue 19): each renders for a visitor with its content, nothing from another origin, the
open-now status at a fixed time (and closed on a holiday), a bounded number of queries."""

import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.agenda.models import Holiday
from violeta.portal import selectors

pytestmark = pytest.mark.django_db

PAGES = [
    ("home", [], "Instituto Municipal de las Mujeres"),
    ("portal:services", [], "Superación en acción"),
    ("portal:service", ["juridica"], "pensión alimenticia"),
    ("portal:service", ["tarjeta"], "18 años"),
    ("portal:service", ["mia"], "red de apoyo"),
    ("portal:contact", [], "614 490 0789"),
    ("portal:safe_browsing", [], "modo privado"),
    ("portal:verify", [], "código QR"),
    ("portal:training_request", [], "Organización"),
]


def at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def monday_ten(monkeypatch):
    monkeypatch.setattr(selectors, "now", lambda: at(2026, 12, 7, 10, 0))


@pytest.mark.parametrize(("name", "args", "text"), PAGES)
def test_each_public_page_renders_for_a_visitor(client, name, args, text, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse(name, args=args))
    page = response.content.decode()
    assert response.status_code == 200 and text in page
    assert "tel:911" in page  # 9-1-1 on every page
    # nothing loaded from another origin (links to elsewhere are only followed if she taps them)
    assert not re.search(r'src="(https?:)?//', page)
    assert not re.search(r"url\((https?:)?//", page)
    assert not re.search(r'<link[^>]+href="(https?:)?//', page)


def test_home_offers_the_main_actions(client):
    page = client.get("/").content.decode()
    assert reverse("portal:services") in page and reverse("portal:safe_browsing") in page
    assert reverse("agenda:callback_request") in page
    assert 'href="tel:' in page


def test_a_service_that_does_not_exist_or_is_not_published_is_404(client):
    from violeta.portal.models import Entry

    assert client.get(reverse("portal:service", args=["no-existe"])).status_code == 404
    Entry.objects.filter(slug="mia").update(is_published=False)
    assert client.get(reverse("portal:service", args=["mia"])).status_code == 404
    assert (
        client.get(reverse("portal:service", args=["inicio"])).status_code == 404
    )  # a text is not a service


def test_open_now_at_a_fixed_time(client, monday_ten):
    page = client.get(reverse("portal:contact")).content.decode()
    assert "Abierto ahora, hasta las 15:00" in page and "status-open" in page


def test_closed_at_the_closing_minute(client, monkeypatch):
    monkeypatch.setattr(selectors, "now", lambda: at(2026, 12, 11, 15, 0))  # Friday
    page = client.get(reverse("portal:contact")).content.decode()
    assert "Cerrado, abre el lunes a las 9:00" in page and "status-closed" in page


def test_closed_on_a_holiday(client, monday_ten):
    Holiday.objects.update_or_create(date=date(2026, 12, 7), defaults={"name": "Día de prueba"})
    page = client.get(reverse("portal:contact")).content.decode()
    assert "Cerrado" in page and "Abierto ahora" not in page and "Día de prueba" in page


def test_the_contact_page_lists_active_lines_as_tel_links(client):
    from violeta.agenda.models import PhoneLine

    PhoneLine.objects.create(code="vieja", number="6140000000", name="Línea retirada", is_active=False)
    page = client.get(reverse("portal:contact")).content.decode()
    assert 'href="tel:' in page and "Línea retirada" not in page
    assert "lunes" in page.lower() and "9:00" in page


def test_pages_are_not_cached_per_visitor(client):
    response = client.get(reverse("portal:contact"))
    assert "Set-Cookie" not in response.headers or "sessionid" not in response.headers.get("Set-Cookie", "")
