"""The office's lists audit what they show in the selectors that return them (a view cannot forget)."""

import pytest

from violeta.audit.models import Action, AuditEvent
from violeta.card import selectors
from violeta.card.tests import factories

pytestmark = pytest.mark.django_db


def _viewed(user, detail):
    return AuditEvent.objects.filter(actor=user, action=Action.VIEW, detail=detail)


def test_the_queue_selector_audits_the_page_it_returns(card_office):
    applications = [
        factories.desk_application(card_office, first_surname=s) for s in ("Peña", "Ortiz", "Soto")
    ]
    page = selectors.office_queue_page(card_office, status=applications[0].status, page=1, per_page=2)
    assert page.paginator.count == 3
    shown = sorted(str(a.pk) for a in page.object_list)
    assert sorted(_viewed(card_office, "cola de solicitudes").values_list("object_id", flat=True)) == shown


def test_a_search_is_audited_as_a_search(card_office):
    mine = factories.desk_application(card_office)
    page = selectors.office_queue_page(card_office, status="", query=mine.folio, page=1, per_page=25)
    assert list(page.object_list) == [mine]
    assert list(_viewed(card_office, "búsqueda de solicitudes").values_list("object_id", flat=True)) == [
        str(mine.pk)
    ]
    assert not _viewed(card_office, "cola de solicitudes").exists()


def test_the_delivery_list_is_audited_by_its_selector(card_office):
    cards = [factories.issued_card(card_office, first_surname=s) for s in ("Loya", "Baeza")]
    shown = selectors.delivery_list(card_office)
    assert {c.pk for c in shown} == {c.pk for c in cards}
    assert sorted(_viewed(card_office, "lista de entregas").values_list("object_id", flat=True)) == sorted(
        str(c.application_id) for c in cards
    )
