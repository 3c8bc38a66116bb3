"""One English word, two Spanish ones (issue 16, finding 4): the notices page's button opens ("Abrir"), a case's
status is open ("Abierto"); each msgid has its context."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from violeta.cases.models import CaseStatus
from violeta.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_the_notices_button_reads_abrir_and_a_case_status_reads_abierto(client, lawyer):
    notify(recipients=[lawyer], kind="test", message="Tiene un aviso", url="/")
    client.force_login(lawyer)
    body = client.get(reverse("notifications:inbox")).content.decode()
    buttons = [b.strip() for b in re.findall(r"<button[^>]*>([^<]*)</button>", body)]
    assert "Abrir" in buttons and "Abierto" not in buttons
    with translation.override("es-mx"):
        assert str(CaseStatus.OPEN.label) == "Abierto"
