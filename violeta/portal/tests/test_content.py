"""Content staff edit (issue 19): sanitised Markdown, preview, history and restore, who may edit, and an edit
appearing on the public site."""

import re

import pytest
from django.urls import reverse

from violeta.audit.models import AuditEvent
from violeta.portal import markdown, services
from violeta.portal.models import Entry, Revision, SiteContact

pytestmark = pytest.mark.django_db


def test_a_script_an_onclick_and_a_javascript_link_are_neutralised():
    html = markdown.render(
        "<script>alert(1)</script>\n\n"
        '<b onclick="steal()">hola</b>\n\n'
        "[pulsa](javascript:alert(1)) y [llama](tel:6144900789) o [escribe](mailto:imm@example.org)\n\n"
        "![mapa](https://tiles.example.com/a.png)\n\n# Título\n\n- uno\n- **dos**"
    )
    assert "<script" not in html and not re.search(r"<[^>]*onclick", html)
    assert not re.search(r"href=\"\s*javascript", html, re.I)
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert '<a href="tel:6144900789" rel="noopener noreferrer">llama</a>' in html
    assert 'href="mailto:imm@example.org"' in html
    assert "<img" not in html and "src=" not in html  # at most a link to it: nothing is loaded
    assert "<h2>Título</h2>" in html and "<li><strong>dos</strong></li>" in html


def test_the_seeded_site_has_every_service_and_program():
    slugs = set(Entry.objects.values_list("slug", flat=True))
    assert {
        "juridica",
        "psicologia",
        "trabajo-social",
        "atencion-violencia",
        "superacion-en-accion",
        "transversalidad",
        "imm-en-tu-empresa",
        "tarjeta",
        "mia",
        "inicio",
        "navega-con-seguridad",
        "salida-rapida",
    } <= slugs
    assert all(entry.revisions.exists() for entry in Entry.objects.all())
    assert "<p>" in Entry.objects.get(slug="juridica").offers_html


def test_a_staff_edit_appears_on_the_public_page_sanitised(client, coordinator):
    entry = Entry.objects.get(slug="juridica")
    client.force_login(coordinator)
    url = reverse("portal:staff_entry_edit", args=[entry.pk])
    data = {
        "title": "Asesoría jurídica gratuita",
        "summary": "Divorcio, pensión alimenticia y más.",
        "offers": "Te acompañamos en tu **divorcio**. <script>alert('x')</script>",
        "audience": "Mujeres del municipio.",
        "how_to": "Llama al [614 490 0789](tel:6144900789).",
        "body": "",
        "is_published": "on",
        "order": "10",
        "save": "1",
    }
    assert client.post(url, data).status_code == 302
    client.logout()
    page = client.get(reverse("portal:service", args=["juridica"])).content.decode()
    assert "Asesoría jurídica gratuita" in page and "<strong>divorcio</strong>" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="tel:6144900789"' in page
    assert AuditEvent.objects.filter(object_type="portal.entry", object_id=str(entry.pk)).exists()


def test_preview_renders_and_saves_nothing(client, director):
    entry = Entry.objects.get(slug="psicologia")
    before, revisions = entry.offers, entry.revisions.count()
    client.force_login(director)
    response = client.post(
        reverse("portal:staff_entry_edit", args=[entry.pk]),
        {"title": entry.title, "offers": "Una *vista previa*", "order": "1", "preview": "1"},
    )
    assert response.status_code == 200 and "<em>vista previa</em>" in response.content.decode()
    entry.refresh_from_db()
    assert entry.offers == before and entry.revisions.count() == revisions


def test_history_shows_what_changed_and_a_restore_is_a_new_revision(client, director):
    entry = Entry.objects.get(slug="mia")
    old_title = entry.title
    services.entry_save(by=director, entry=entry, **{**entry.snapshot(), "title": "MIA, tu alerta"})
    first = entry.revisions.order_by("number").first()
    client.force_login(director)
    page = client.get(reverse("portal:staff_entry_history", args=[entry.pk])).content.decode()
    assert "MIA, tu alerta" in page and "Título" in page  # the changed field is named
    response = client.post(reverse("portal:staff_entry_restore", args=[entry.pk, first.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == old_title
    latest = entry.revisions.first()
    assert latest.number == 3 and "versión 1" in latest.note
    assert Revision.objects.filter(entry=entry).count() == 3


@pytest.mark.parametrize("persona", ["receptionist", "trainer", "lawyer"])
def test_only_the_director_and_coordinators_edit(client, request, persona):
    entry = Entry.objects.get(slug="juridica")
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("portal:staff_entries"),
        reverse("portal:staff_entry_edit", args=[entry.pk]),
        reverse("portal:staff_contact"),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("portal:staff_entry_edit", args=[entry.pk]), {"title": "x"}).status_code == 404
    entry.refresh_from_db()
    assert entry.title != "x"


def test_the_contact_is_edited_and_shown(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("portal:staff_contact"),
        {
            "address": "Calle 4ta #2411, Col. Centro",
            "map_url": "https://www.openstreetmap.org/?mlat=28.63&mlon=-106.07#map=18/28.63/-106.07",
            "email": "imm@example.org",
            "note": "Entrada por la **puerta lateral**.",
        },
    )
    assert response.status_code == 302
    assert SiteContact.objects.get(pk=1).note_html == "<p>Entrada por la <strong>puerta lateral</strong>.</p>"
    client.logout()
    page = client.get(reverse("portal:contact")).content.decode()
    assert "openstreetmap.org" in page and "<strong>puerta lateral</strong>" in page


def test_staff_list_and_edit_pages_have_a_bounded_number_of_queries(
    client, director, django_assert_max_num_queries
):
    client.force_login(director)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:staff_entries")).status_code == 200
    entry = Entry.objects.get(slug="juridica")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:staff_entry_history", args=[entry.pk])).status_code == 200


def test_a_new_service_is_created_unpublished_then_published(client, director):
    client.force_login(director)
    data = {
        "slug": "asesoria-en-linea",
        "kind": "service",
        "title": "Asesoría en línea",
        "offers": "Por *Zoom*.",
        "order": "5",
    }
    response = client.post(reverse("portal:staff_entry_create"), {**data, "save": "1"})
    assert response.status_code == 302
    entry = Entry.objects.get(slug="asesoria-en-linea")
    assert entry.revisions.count() == 1 and not entry.is_published
    client.logout()
    assert client.get(reverse("portal:service", args=["asesoria-en-linea"])).status_code == 404
    services.entry_save(by=director, entry=entry, **{**entry.snapshot(), "is_published": True})
    assert (
        "<em>Zoom</em>" in client.get(reverse("portal:service", args=["asesoria-en-linea"])).content.decode()
    )
    client.force_login(director)
    again = client.post(reverse("portal:staff_entry_create"), {**data, "save": "1"})
    assert again.status_code == 200 and Entry.objects.filter(slug="asesoria-en-linea").count() == 1
