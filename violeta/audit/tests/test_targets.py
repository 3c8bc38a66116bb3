"""The audit log speaks the institute's language (issue 16, finding 6): a line is about "Expediente
IMM-2026-000156" or "Canalización CAN-2026-0010", with a link where the reader may follow it, not
`cases.case 156`."""

import pytest
from django.urls import reverse

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_the_case_audit_page_names_the_case_and_links_to_it(client, director):
    case = CaseFactory()
    audit_record(actor=director, action=Action.VIEW, obj=case, detail="consulta")
    client.force_login(director)
    body = client.get(reverse("audit:case", args=[case.folio])).content.decode()
    assert f"cases.case {case.pk}" not in body
    assert f'<a href="{reverse("cases:detail", args=[case.folio])}">Expediente {case.folio}</a>' in body


def test_the_flagged_events_page_names_what_was_refused(client, director, lawyer):
    case = CaseFactory()
    audit_record(
        actor=lawyer, action=Action.ACCESS_DENIED, object_type="cases.case", object_id=case.pk, flagged=True
    )
    audit_record(
        actor=lawyer, action=Action.ACCESS_DENIED, object_type="people.person", object_id=424242, flagged=True
    )
    client.force_login(director)
    body = client.get(reverse("audit:flagged")).content.decode()
    assert f"Expediente {case.folio}" in body and "cases.case" not in body
    assert "Persona 424242" in body and "people.person" not in body
