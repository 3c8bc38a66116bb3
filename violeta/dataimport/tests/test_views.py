"""The pages, as a coordinator goes through them: upload, map, preview, start, progress; and who is refused."""

import pytest
from django.urls import reverse

from violeta.accounts.models import Role
from violeta.accounts.tests.helpers import sign_in
from violeta.audit.models import Action, AuditEvent
from violeta.conftest import make_user
from violeta.dataimport import services
from violeta.dataimport.models import ImportJob, JobStatus
from violeta.dataimport.tests.helpers import csv_upload, xlsx_upload
from violeta.dataimport.tests.test_import import ROWS, ana

pytestmark = pytest.mark.django_db


def test_a_coordinator_uploads_maps_previews_and_starts_an_import(coordinator, client):
    client.force_login(coordinator)
    response = client.post(reverse("dataimport:upload"), {"file": xlsx_upload([*ROWS, ana("A-3", "ayer")])})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "dataimport:mapping", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert '<option value="curp" selected>' in page  # the proposal, for her to confirm

    form = {f"col_{i}": key for i, key in job.mapping.items()}
    response = client.post(reverse("dataimport:mapping", args=[job.pk]), form)
    assert response["Location"] == reverse("dataimport:detail", args=[job.pk])
    assert ImportJob.objects.get().status == JobStatus.CHECKING  # every row is checked by the worker
    services.job_check_run(job_id=job.pk)
    progress_url = reverse("dataimport:progress", args=[job.pk])
    polled = client.get(progress_url, headers={"HX-Request": "true"})
    assert "every 1s" not in polled.content.decode()  # checked: the polling stops…
    assert "X-Violeta-Go" in polled.content.decode()  # …and the partial asks once to go on
    go = client.get(progress_url, headers={"HX-Request": "true", "X-Violeta-Go": "1"})
    assert go["HX-Redirect"] == reverse("dataimport:preview", args=[job.pk])
    page = client.get(go["HX-Redirect"]).content.decode()
    assert "Fila 7, columna «Fecha de atención»: «ayer» no es una fecha." in page
    assert 'data-errors="1"' in page

    # She excludes the bad row and starts: the task is queued, the page polls its progress.
    shown = {"shown": ["2", "3", "4", "5", "6", "7"], "exclude": ["7"], "page": "1"}
    client.post(reverse("dataimport:rows_update", args=[job.pk]), shown)
    assert ImportJob.objects.get().excluded == [7]
    response = client.post(reverse("dataimport:start", args=[job.pk]))
    assert response["Location"] == reverse("dataimport:detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert ImportJob.objects.get().status == JobStatus.QUEUED
    assert f'hx-get="{reverse("dataimport:progress", args=[job.pk])}"' in page
    services.import_run(job_id=job.pk)
    partial = client.get(reverse("dataimport:progress", args=[job.pk]), headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert 'aria-valuenow="100"' in body and "hx-get" not in body  # done: no more polling
    assert "<html" not in body


def test_the_file_is_checked_by_its_content_and_its_limits(coordinator, client, settings):
    client.force_login(coordinator)
    fake = csv_upload(ROWS, name="registros.xlsx")  # text called .xlsx
    page = client.post(reverse("dataimport:upload"), {"file": fake}).content.decode()
    assert "no coincide con su extensión" in page or "no se acepta" in page
    zipped = xlsx_upload(ROWS, name="registros.csv")  # a workbook called .csv
    page = client.post(reverse("dataimport:upload"), {"file": zipped}).content.decode()
    assert "El archivo se llama .csv pero no es texto." in page
    settings.DATAIMPORT_MAX_ROWS = 4
    page = client.post(reverse("dataimport:upload"), {"file": xlsx_upload(ROWS)}).content.decode()
    assert "El archivo tiene más de 4 filas: divídalo en varios archivos." in page
    settings.DATAIMPORT_MAX_BYTES = 100
    page = client.post(reverse("dataimport:upload"), {"file": xlsx_upload(ROWS)}).content.decode()
    assert "El archivo es demasiado grande" in page
    assert not ImportJob.objects.exists()


def test_a_csv_with_semicolons_in_windows_encoding_is_read(coordinator):
    upload = csv_upload([ana("A-1", "10/01/2023")], delimiter=";", encoding="cp1252")
    job = services.job_upload(by=coordinator, file=upload)
    job = services.job_map(job=job, by=coordinator, mapping=job.mapping)
    job = services.job_check_run(job_id=job.pk)
    assert job.row_count == 1 and job.error_rows == []
    assert services.job_rows(job)[0].values["first_surname"] == "López"


def test_another_coordinator_gets_404_on_an_import_and_its_report(coordinator, director, client):
    job = services.job_upload(by=coordinator, file=xlsx_upload(ROWS))
    other = make_user(
        "coordinacion.ts@imm.test", Role.COORDINATOR, "trabajo-social", name="Otra Coordinadora"
    )
    sign_in(client, other)
    for name in ("dataimport:detail", "dataimport:preview", "dataimport:report", "dataimport:progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert AuditEvent.objects.filter(actor=other, action=Action.ACCESS_DENIED).count() == 4
    assert (
        reverse("dataimport:detail", args=[job.pk])
        not in client.get(reverse("dataimport:list")).content.decode()
    )
    sign_in(client, director)
    assert client.get(reverse("dataimport:detail", args=[job.pk])).status_code == 200


def test_the_map_says_what_it_lacks(coordinator, client):
    job = services.job_upload(by=coordinator, file=xlsx_upload(ROWS))
    client.force_login(coordinator)
    form = {f"col_{i}": key for i, key in job.mapping.items() if key != "first_surname"}
    page = client.post(reverse("dataimport:mapping", args=[job.pk]), form).content.decode()
    assert "Elija la columna que contiene «Primer apellido»." in page
    assert ImportJob.objects.get().status == JobStatus.MAPPING


def test_the_list_and_the_preview_read_a_bounded_number_of_queries(
    coordinator, client, django_assert_max_num_queries
):
    from violeta.dataimport.tests.test_import import prepared

    for _ in range(3):
        job = prepared(coordinator)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dataimport:list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("dataimport:preview", args=[job.pk])).status_code == 200
