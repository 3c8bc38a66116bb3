"""Tab titles read "Page · Violeta" (issue 16, finding 4: they ran together as "Mis expedientesVioleta", because
`{% if self.title %}` tests nothing in a Django template)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_a_staff_page_title_separates_the_page_from_the_name_of_the_system(client, lawyer):
    client.force_login(lawyer)
    assert _title(client.get(reverse("cases:list"))) == "Mis expedientes · Violeta"


def test_an_error_page_title_reads_the_same_way(client, lawyer):
    client.force_login(lawyer)
    assert _title(client.get("/no-existe/")).endswith(" · Violeta")
