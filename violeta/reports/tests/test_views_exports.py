"""The download views: POST only, by role, re-authenticated for case-level rows, audited."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from violeta.accounts.tests.test_account_security import login, minutes_since_sign_in
from violeta.audit.models import Action, AuditEvent
from violeta.conftest import PASSWORD
from violeta.reports.tests.test_banavim import LAST_30_DAYS, banavim_world
from violeta.reports.tests.test_exports import consultations_in_november

FIGURES = reverse("reports:export_download")
BANAVIM = reverse("reports:banavim_download")


def figures_form(indicator="consultations", fmt="xlsx", **others):
    return {
        "x-start": "01/11/2026",
        "x-end": "30/11/2026",
        "x-indicator": indicator,
        "x-format": fmt,
        **{f"x-{k}": v for k, v in others.items()},
    }


def banavim_form(fmt="csv"):
    return {
        "b-start": f"{LAST_30_DAYS.start:%d/%m/%Y}",
        "b-end": f"{LAST_30_DAYS.end:%d/%m/%Y}",
        "b-format": fmt,
    }


def exports_audited():
    return AuditEvent.objects.filter(action=Action.EXPORT, object_type__startswith="reports.")


@pytest.fixture
def november(lawyer, psychologist):
    consultations_in_november(lawyer, psychologist)


@pytest.fixture
def world(lawyer, psychologist):
    return banavim_world(lawyer, psychologist)


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_a_coordinator_downloads_figures_as_xlsx_and_it_is_audited(client, coordinator, november):
    client.force_login(coordinator)
    response = client.post(FIGURES, figures_form())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="violeta-consultations-20261101-20261130.xlsx"'
    )
    assert response["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[4]][-1] == 8  # the total row: a number
    (event,) = exports_audited()
    assert event.actor == coordinator and event.object_id == "consultations"
    assert event.detail == "cifras xlsx; 2026-11-01..2026-11-30; tablas 1; filas 2"


@pytest.mark.django_db
def test_every_figure_as_csv_with_the_filters_chosen(client, director, november):
    client.force_login(director)
    response = client.post(FIGURES, figures_form(indicator="", fmt="csv", age_group="18-29"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Grupo de edad", "18 a 29"] in rows
    (event,) = exports_audited()
    assert event.object_id == "all" and "age_group=18-29" in event.detail


@pytest.mark.django_db
def test_a_download_is_a_post_and_a_bad_form_downloads_nothing(client, coordinator):
    client.force_login(coordinator)
    assert client.get(FIGURES).status_code == 405
    response = client.post(FIGURES, figures_form(fmt="pdf"))
    assert response.status_code == 400 and "Content-Disposition" not in response
    assert not exports_audited().exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lawyer", "receptionist", "psychologist", "sysadmin"])
def test_other_roles_get_no_figures(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(FIGURES, figures_form()).status_code == 404
    assert not exports_audited().exists()


@pytest.mark.django_db
def test_only_the_director_downloads_the_banavim_export(client, coordinator, director, world):
    client.force_login(coordinator)
    assert client.post(BANAVIM, banavim_form()).status_code == 404
    assert b"BANAVIM" not in client.get(reverse("reports:exports")).content
    client.force_login(director)
    assert b"BANAVIM" in client.get(reverse("reports:exports")).content
    response = client.post(BANAVIM, banavim_form())
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(content(response).decode("utf-8-sig"))))
    assert len(lines) == 4  # the header and three incidents
    assert "banavim" in response["Content-Disposition"]
    (event,) = exports_audited()
    assert event.actor == director and event.object_type == "reports.banavim" and event.flagged
    assert event.detail.startswith("BANAVIM csv;") and event.detail.endswith("; filas 3")


@pytest.mark.django_db
def test_banavim_as_xlsx(client, director, world):
    client.force_login(director)
    response = client.post(BANAVIM, banavim_form("xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    assert workbook.worksheets[0].max_row == 4
    assert any(row[0].value == "Regla" for row in workbook.worksheets[1].iter_rows())


@pytest.mark.django_db
def test_banavim_asks_to_reauthenticate_after_fifteen_minutes_then_downloads(client, director, world):
    login(client, director.email)
    minutes_since_sign_in(client, 16)
    response = client.post(BANAVIM, banavim_form())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not exports_audited().exists()
    after = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert after["Content-Type"].startswith("text/csv")
    assert len(content(after).decode("utf-8-sig").splitlines()) == 4
    assert exports_audited().count() == 1


@pytest.mark.django_db
def test_without_the_pseudonym_key_banavim_is_refused_with_a_message(client, director, settings, world):
    settings.REPORTS_PSEUDONYM_KEY = ""
    client.force_login(director)
    response = client.post(BANAVIM, banavim_form(), follow=True)
    assert "Content-Disposition" not in response
    assert "REPORTS_PSEUDONYM_KEY" in response.content.decode()
    assert not exports_audited().exists()
