"""A call linked to her case reads as a call in her timeline (issue 16, finding 4): it read "Cita: Llamada a la
línea…", filed as an appointment."""

import pytest
from django.urls import reverse

from violeta.agenda.services import phone_call_link_case
from violeta.agenda.tests.factories import log_call
from violeta.cases.models import CaseEvent, EventKind
from violeta.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_linked_call_is_a_call_in_her_timeline(client, receptionist, lawyer):
    case = CaseFactory(opened_by=lawyer, team=(receptionist,))
    phone_call_link_case(call=log_call(by=receptionist, caller_name="Lucía"), case=case, by=receptionist)
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert event.kind == EventKind.CALL
    client.force_login(receptionist)
    body = client.get(reverse("cases:detail", args=[case.folio])).content.decode()
    assert "<strong>Llamada</strong>: línea" in body and "Cita" not in body
