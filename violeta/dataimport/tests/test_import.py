"""The import itself: what a small hand-counted file becomes, the duplicate choice, all or nothing, progress,
the report and the deletion of the uploaded file."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from violeta.accounts.tests.helpers import sign_in
from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case, CaseEvent, CaseStatus, Consultation, EventKind
from violeta.dataimport import progress, services
from violeta.dataimport.models import ImportedRecord, ImportJob, JobStatus
from violeta.dataimport.sample import make_curp
from violeta.dataimport.tests.helpers import xlsx_upload
from violeta.people.models import Person
from violeta.people.services import person_create

pytestmark = pytest.mark.django_db

ANA = make_curp("Ana", "López", "Ruiz", date(1985, 3, 12), 1)
BEA = make_curp("Beatriz", "Soto", "Mena", date(1990, 7, 1), 2)


def ana(folio, day, area="Jurídica", status="Cerrado", **extra):
    cells = [folio, "Ana", "López", "Ruiz", ANA, "12/03/1985", "614 490 0789", "Cerro de la Cruz", day, area]
    return [*cells, extra.get("modality", "Presencial"), status]


def bea(folio, day, area="Psicológica", status="En seguimiento"):
    return [folio, "Beatriz", "Soto", "Mena", BEA, "01/07/1990", "", "", day, area, "Telefónica", status]


# Three case files of two women, five consultations: Ana's closed A-1 (2 consultations) and her open A-2 (1);
# Beatriz's open B-1 (2).
ROWS = [
    ana("A-1", "10/01/2023"),
    ana("A-1", "24/01/2023", area="Psicológica"),
    bea("B-1", "05/05/2024"),
    ana("A-2", "02/02/2025", status="En seguimiento"),
    bea("B-1", "19/05/2024"),
]


def prepared(by, rows=ROWS):
    """Uploaded, mapped as proposed, and checked (the worker's task, run here)."""
    job = services.job_upload(by=by, file=xlsx_upload(rows))
    job = services.job_map(job=job, by=by, mapping=job.mapping)
    return services.job_check_run(job_id=job.pk)


def run(job, by):
    services.job_start(job=job, by=by)
    return services.import_run(job_id=job.pk)


def test_a_small_file_becomes_people_case_files_and_consultations(coordinator):
    before = Person.objects.count()
    job = run(prepared(coordinator), coordinator)

    assert job.status == JobStatus.DONE
    assert (job.people_created, job.people_linked, job.cases_created, job.consultations_created) == (
        2,
        0,
        3,
        5,
    )
    assert Person.objects.count() == before + 2
    anas = Case.objects.filter(holder__curp=ANA).order_by("opened_at")
    assert [c.status for c in anas] == [CaseStatus.CLOSED, CaseStatus.FOLLOW_UP]
    assert [c.consultations.count() for c in anas] == [2, 1]
    first = anas[0]
    assert first.folio.startswith("IMM-") and first.opened_at.date() == date(2023, 1, 10)
    assert first.closed_at.date() == date(2023, 1, 24)
    bea_case = Case.objects.get(holder__curp=BEA)
    assert bea_case.status == CaseStatus.FOLLOW_UP
    assert set(bea_case.consultations.values_list("modality", flat=True)) == {"phone"}
    # The timeline and the audit log have what the services write: a line and an event per consultation.
    assert CaseEvent.objects.filter(kind=EventKind.CONSULTATION, case__in=[*anas, bea_case]).count() == 5
    assert AuditEvent.objects.filter(object_type="cases.consultation", action=Action.CREATE).count() == 5
    assert AuditEvent.objects.filter(object_type="cases.case", action=Action.CREATE).count() == 3
    records = ImportedRecord.objects.filter(job=job)
    assert sorted(records.values_list("row_number", "legacy_folio", "consultations")) == [
        (2, "A-1", 2),
        (4, "B-1", 2),
        (5, "A-2", 1),
    ]


def test_the_uploaded_file_is_deleted_when_the_import_is_done(coordinator, settings):
    job = prepared(coordinator)
    stored = Path(settings.DATAIMPORT_ROOT) / job.stored_name
    assert stored.exists()
    job = run(job, coordinator)
    assert not stored.exists() and job.stored_name == ""


def test_an_abandoned_import_deletes_its_file(coordinator, settings):
    job = prepared(coordinator)
    stored = Path(settings.DATAIMPORT_ROOT) / job.stored_name
    services.job_abandon(job=job, by=coordinator)
    assert not stored.exists()
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.ABANDONED


def test_the_import_will_not_start_while_a_row_has_problems(coordinator):
    job = prepared(coordinator, [*ROWS, ana("A-3", "ayer")])
    assert job.error_rows == [7]
    with pytest.raises(ValidationError) as exc:
        services.job_start(job=job, by=coordinator)
    assert exc.value.messages == [
        "1 fila aún tiene problemas: corrija el archivo y súbalo de nuevo, o exclúyala."
    ]
    services.job_exclude(job=job, by=coordinator, rows={7})
    job = run(job, coordinator)
    assert job.status == JobStatus.DONE and job.consultations_created == 5


def test_someone_already_registered_is_proposed_and_linked_or_created_as_chosen(coordinator, director):
    existing = person_create(by=director, given_names="Ana", first_surname="López", curp=ANA)
    namesake = person_create(by=director, given_names="Beatriz", first_surname="Soto", second_surname="Mena")
    job = prepared(coordinator)
    # Same CURP: linked unless she says otherwise; a similar name only: created unless she says otherwise.
    assert job.candidates == {"2": [existing.pk], "4": [namesake.pk]}
    assert job.choices == {"2": existing.pk, "4": 0}
    with pytest.raises(ValidationError):
        services.job_choose(job=job, by=coordinator, choices={4: existing.pk})  # not one shown for row 4
    services.job_choose(job=job, by=coordinator, choices={4: namesake.pk})
    before = Person.objects.count()
    job = run(job, coordinator)
    assert job.status == JobStatus.DONE
    assert (job.people_created, job.people_linked) == (0, 2)
    assert Person.objects.count() == before
    assert Case.objects.filter(holder=existing).count() == 2
    assert Case.objects.filter(holder=namesake).count() == 1


def test_linking_to_someone_with_an_open_case_file_is_a_problem_of_the_row(coordinator, director):
    from violeta.cases.tests.factories import CaseFactory

    case = CaseFactory()
    Person.objects.filter(pk=case.holder_id).update(curp=BEA)
    job = prepared(coordinator)
    assert job.choices["4"] == case.holder_id
    assert job.error_rows == [4]
    services.job_choose(job=job, by=coordinator, choices={4: 0})
    job.refresh_from_db()
    assert job.error_rows == []


def test_a_failure_at_row_4000_of_5000_leaves_nothing(director, monkeypatch):
    """Someone registers the woman of row ~4,000 at the desk while the import waits in the queue: her CURP is
    taken, so that row fails — after 3,900 rows were written — and the whole import is rolled back."""
    from violeta.dataimport.sample import HEADERS, sample_rows

    rows = sample_rows(rows=5000, bad=0, seed=4)
    job = services.job_upload(by=director, file=xlsx_upload(rows, headers=HEADERS))
    job = services.job_map(job=job, by=director, mapping=job.mapping)
    job = services.job_check_run(job_id=job.pk)
    assert job.error_rows == []
    services.job_start(job=job, by=director)
    # The first row of a woman at or after row 4,000 (data row i is spreadsheet row i + 2).
    i = next(i for i in range(3998, 5000) if rows[i][0] != rows[i - 1][0])
    curp = rows[i][HEADERS.index("CURP")]
    person_create(by=director, given_names="Otra", first_surname="Persona", curp=curp)
    counts = (Person.objects.count(), Case.objects.count(), Consultation.objects.count())
    reported = []
    original = progress.Reporter.__call__
    monkeypatch.setattr(
        progress.Reporter, "__call__", lambda self, done: (reported.append(done), original(self, done))
    )

    job = services.import_run(job_id=job.pk)

    assert job.status == JobStatus.FAILED
    assert job.failure.startswith(f"Fila {i + 2}: ")
    assert max(reported) >= 3900  # it had written thousands of rows before the failure
    assert (Person.objects.count(), Case.objects.count(), Consultation.objects.count()) == counts
    assert not ImportedRecord.objects.exists()
    assert job.stored_name == ""


@pytest.mark.django_db(transaction=True)
def test_progress_is_readable_while_the_import_runs(coordinator, monkeypatch):
    """Read back, from the test's own connection, while the import's transaction is still open: on SQLite from
    the progress file, on PostgreSQL from the job row another connection updated (``dataimport.progress``)."""
    job = prepared(coordinator)
    seen = []

    def spy(self, done):
        original(self, done)
        seen.append(progress.read(ImportJob.objects.get(pk=self.job_id)))

    original = progress.Reporter.__call__
    monkeypatch.setattr(progress.Reporter, "__call__", spy)
    run(job, coordinator)
    # Ana (rows 2, 3, 5) is written first, then Beatriz (rows 4, 6): 3 of 5 rows, then 5 of 5.
    assert seen == [(3, 5), (5, 5)]
    job.refresh_from_db()
    assert progress.read(job) == (5, 5)


def test_the_report_lists_what_was_created_and_linked(coordinator, director, client):
    existing = person_create(by=director, given_names="Ana", first_surname="López", curp=ANA)
    job = run(prepared(coordinator), coordinator)
    sign_in(client, coordinator)
    response = client.get(f"/importar/{job.pk}/reporte.csv")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    folios = dict(ImportedRecord.objects.filter(job=job).values_list("row_number", "case__folio"))
    assert lines == [
        ["Fila", "Folio anterior", "Expediente", "Persona", "Registro de la persona", "Atenciones"],
        ["2", "A-1", folios[2], "Ana López", "vinculada a un registro existente", "2"],
        ["4", "B-1", folios[4], "Beatriz Soto Mena", "creada", "2"],
        ["5", "A-2", folios[5], "Ana López", "vinculada a un registro existente", "1"],
    ]
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="dataimport.importjob").count() == 1
    assert existing.pk in ImportedRecord.objects.values_list("person_id", flat=True)


def test_an_import_left_unfinished_loses_its_file_after_a_day(coordinator, settings):
    from datetime import timedelta

    from django.utils import timezone

    old, recent = prepared(coordinator), prepared(coordinator)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    old_file = Path(settings.DATAIMPORT_ROOT) / old.stored_name
    assert services.stale_uploads_prune() == 1
    assert not old_file.exists()
    assert ImportJob.objects.get(pk=old.pk).status == JobStatus.ABANDONED
    assert ImportJob.objects.get(pk=recent.pk).status == JobStatus.PREVIEW
    assert (Path(settings.DATAIMPORT_ROOT) / recent.stored_name).exists()
