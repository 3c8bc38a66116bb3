"""Writes of an import: upload, column map, choices and exclusions, start, abandon — and the import itself.

Each step is one transaction with its audit event. The import (``import_run``, run by the task worker) is one
transaction over the whole file: a failure at any row rolls back every person, case file and consultation it
wrote, and the job says which row failed and why. The uploaded file is deleted when the import is done, fails
or is abandoned (``_discard_file``).
"""

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from violeta.accounts.permissions import has_role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.core.tasks import enqueue
from violeta.dataimport import conf, progress, reader, validation
from violeta.dataimport.fields import propose_mapping
from violeta.dataimport.models import OPEN_STATUSES, ImportJob, JobStatus
from violeta.dataimport.roles import IMPORT_ROLES
from violeta.dataimport.storage import import_storage
from violeta.dataimport.writer import ImportFailed, write_rows
from violeta.people.selectors import duplicate_candidates

logger = logging.getLogger(__name__)


def _require(by) -> None:
    if not has_role(by, IMPORT_ROLES):
        raise PermissionDenied


def _require_open(job: ImportJob, *statuses) -> None:
    if job.status not in (statuses or OPEN_STATUSES):
        raise ValidationError(_("This import can no longer be changed."), code="not_open")


def job_table(job: ImportJob):
    """The stored file's header and data rows (read again on each use: the rows are never copied elsewhere)."""
    if not job.stored_name:
        raise ValidationError(_("The file of this import was already deleted."), code="no_file")
    with import_storage.open(job.stored_name, "rb") as fh:
        return reader.read_table(fh, job.kind)


def job_rows(job: ImportJob) -> list[validation.Row]:
    """The rows the user has not excluded, checked and grouped (``validation.check_rows``), with a problem added
    where she is linked to a person who already has an open case file and the file opens another one."""
    headers, table = job_table(job)
    excluded = set(job.excluded)
    rows = validation.check_rows(headers, [(n, c) for n, c in table if n not in excluded], job.mapping)
    _check_links(job, rows)
    return rows


def _check_links(job: ImportJob, rows: list[validation.Row]) -> None:
    linked = [pk for pk in job.choices.values() if pk]
    if not linked:
        return
    busy = set(
        Case.objects.filter(holder_id__in=linked, status__in=ACTIVE_STATUSES).values_list(
            "holder_id", flat=True
        )
    )
    chosen: dict[str, int] = {}
    first_of_case: dict[str, int] = {}
    for row in rows:
        if str(row.number) in job.choices:
            chosen.setdefault(row.person_key, int(job.choices[str(row.number)] or 0))
        first_of_case.setdefault(row.case_key, row.number)
    for row in rows:
        if row.values["closed"] or row.number != first_of_case[row.case_key]:
            continue
        if chosen.get(row.person_key) in busy:
            row.errors.append(
                validation.message(
                    row.number,
                    validation.column_name(job.headers, job.mapping, "case_status"),
                    _(
                        "the person she is linked to already has an open case file: mark this one as “Cerrado”, "
                        "or create her as a new person."
                    ),
                )
            )


def job_upload(*, by, file) -> ImportJob:
    """Keep the spreadsheet in the private folder and propose a column map from its headers. The file is read
    before the transaction (seconds for thousands of rows: on SQLite nobody else may write meanwhile)."""
    _require(by)
    reader.check_size(file.size or 0)
    kind = reader.detect_kind(file, file.name)
    headers, rows = reader.read_table(file, kind)
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    stored = import_storage.save(f"{uuid.uuid4().hex}.{kind}", file)
    try:
        with transaction.atomic():
            job = _job_create(by, file, stored, kind, digest.hexdigest(), headers, len(rows))
    except BaseException:
        import_storage.delete(stored)
        raise
    return job


def _job_create(by, file, stored, kind, sha256, headers, row_count) -> ImportJob:
    job = ImportJob.objects.create(
        created_by=by,
        original_name=(file.name or "archivo")[-200:],
        stored_name=stored,
        kind=kind,
        size=file.size,
        sha256=sha256,
        headers=[str(h)[:120] for h in headers],
        mapping=propose_mapping(headers),
        row_count=row_count,
    )
    audit_record(actor=by, action=Action.CREATE, obj=job, detail=f"importación: archivo de {row_count} filas")
    return job


@transaction.atomic
def job_map(*, job: ImportJob, by, mapping: dict[str, str]) -> ImportJob:
    """Confirm the column map and queue the check of every row (``job_check_run``, a background task: a file of
    thousands of rows takes longer than a page may)."""
    _require(by)
    _require_open(job, JobStatus.MAPPING, JobStatus.PREVIEW)
    errors = validation.mapping_errors(mapping)
    if errors:
        raise ValidationError(errors, code="mapping")
    from violeta.dataimport.tasks import job_check_task

    job.mapping = mapping
    job.status = JobStatus.CHECKING
    job.progress_done, job.progress_total = 0, job.row_count
    job.failure = ""
    result = enqueue(job_check_task, job.pk)
    job.task_id = str(getattr(result, "id", "") or "")
    job.save(update_fields=["mapping", "status", "progress_done", "progress_total", "failure", "task_id"])
    audit_record(actor=by, action=Action.UPDATE, obj=job, detail="importación: mapa de columnas confirmado")
    return job


def job_check_run(*, job_id: int) -> ImportJob:
    """Check every row and look for each woman among the people already registered (the people app's duplicate
    detection). Safe to run twice (a job not being checked is left alone).

    The rows are not kept: the preview reads the file again. What is kept: which rows have problems, and for each
    woman (her first row) the ids of the people who may be her, with the default choice (link when the CURP is
    the same, otherwise create her). Progress is written as it goes (``progress``)."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id, status=JobStatus.CHECKING).first()
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    reporter = progress.Reporter(job.pk, job.row_count)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            headers, table = job_table(job)
            rows = validation.check_rows(headers, table, job.mapping)
            candidates, choices = _look_for_them(rows, reporter)
        with transaction.atomic():
            job.candidates, job.choices, job.excluded = candidates, choices, []
            _check_links(job, rows)
            job.error_rows = [row.number for row in rows if not row.ok]
            job.status = JobStatus.PREVIEW
            job.progress_done = job.row_count
            job.save()
            audit_record(
                actor=job.created_by,
                action=Action.UPDATE,
                obj=job,
                detail=f"importación revisada: {len(job.error_rows)} filas con problemas, "
                f"{len(candidates)} posibles registros existentes",
            )
    except Exception as exc:
        logger.exception("import %s: the check failed", job.pk)  # the job id only: never data from the file
        why = (
            " ".join(exc.messages)
            if isinstance(exc, ValidationError)
            else _("The file could not be checked.")
        )
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.MAPPING, failure=why[:500])
    finally:
        reporter.close()
    return ImportJob.objects.get(pk=job.pk)


def _look_for_them(rows: list[validation.Row], report) -> tuple[dict, dict]:
    candidates, choices = {}, {}
    seen = set()
    for done, row in enumerate(rows, start=1):
        report(done)
        if row.person_key in seen:
            continue
        seen.add(row.person_key)
        v = row.values
        found = duplicate_candidates(
            given_names=v["given_names"],
            first_surname=v["first_surname"],
            second_surname=v["second_surname"],
            curp=v["curp"],
            phone=v["phone"] or None,
            birth_date=v["birth_date"],
            limit=5,
        )
        if found:
            candidates[str(row.number)] = [c.person.pk for c in found]
            same_curp = [c.person.pk for c in found if v["curp"] and c.person.curp == v["curp"]]
            choices[str(row.number)] = same_curp[0] if same_curp else 0
    return candidates, choices


def job_choose(*, job: ImportJob, by, choices: dict[int, int]) -> ImportJob:
    """For each woman (her first row): link to one of the people shown as possibly her (an id), or create her (0).
    The rows are checked again (links to a woman with an open case file) before the transaction, which only
    saves: reading the file takes seconds, and on SQLite nobody else may write during a transaction."""
    _require(by)
    _require_open(job, JobStatus.PREVIEW)
    for row, person_id in choices.items():
        allowed = job.candidates.get(str(row))
        if allowed is None or (person_id and person_id not in allowed):
            raise ValidationError(
                _("That choice is not one of the people shown for row %(row)s.") % {"row": row}
            )
        job.choices[str(row)] = person_id
    _refresh_errors(job)
    linked = sum(1 for pk in choices.values() if pk)
    with transaction.atomic():
        job.save(update_fields=["choices", "error_rows"])
        audit_record(
            actor=by,
            action=Action.UPDATE,
            obj=job,
            detail=f"importación: {linked} vinculadas a registros existentes, {len(choices) - linked} nuevas",
        )
    return job


def job_exclude(*, job: ImportJob, by, rows: set[int], exclude: bool = True) -> ImportJob:
    """Leave rows out of the import (or put them back); the rows are checked again before the transaction."""
    _require(by)
    _require_open(job, JobStatus.PREVIEW)
    current = set(job.excluded)
    current = current | set(rows) if exclude else current - set(rows)
    job.excluded = sorted(current)
    _refresh_errors(job)
    with transaction.atomic():
        job.save(update_fields=["excluded", "error_rows"])
        audit_record(
            actor=by,
            action=Action.UPDATE,
            obj=job,
            detail=f"importación: {len(rows)} filas {'excluidas' if exclude else 'incluidas de nuevo'}",
        )
    return job


def pending_errors(job: ImportJob) -> list[int]:
    """Rows with problems the user has not excluded."""
    excluded = set(job.excluded)
    return [n for n in job.error_rows if n not in excluded]


def _refresh_errors(job: ImportJob) -> None:
    job.error_rows = [row.number for row in job_rows(job) if not row.ok]


@transaction.atomic
def job_start(*, job: ImportJob, by) -> ImportJob:
    """Queue the import: refused while a row with problems is still in it (fix the file or exclude the row)."""
    _require(by)
    if job.status != JobStatus.PREVIEW:
        raise ValidationError(_("This import can no longer be started."), code="not_preview")
    if pending_errors(job):
        n = len(pending_errors(job))
        raise ValidationError(
            ngettext(
                "%(n)s row still has problems: correct the file and upload it again, or exclude it.",
                "%(n)s rows still have problems: correct the file and upload it again, or exclude them.",
                n,
            )
            % {"n": n},
            code="rows_with_errors",
        )
    if len(job.excluded) >= job.row_count:
        raise ValidationError(_("Every row is excluded: there is nothing to import."), code="nothing")
    from violeta.dataimport.tasks import import_run_task

    job.status = JobStatus.QUEUED
    job.progress_done = 0
    job.progress_total = job.row_count - len(job.excluded)
    result = enqueue(import_run_task, job.pk)
    job.task_id = str(getattr(result, "id", "") or "")
    job.save(update_fields=["status", "progress_done", "progress_total", "task_id"])
    audit_record(actor=by, action=Action.UPDATE, obj=job, detail="importación: en cola")
    return job


def _discard_file(job: ImportJob) -> None:
    """Retention: the uploaded spreadsheet goes when it is no longer needed (done, failed or abandoned)."""
    if job.stored_name:
        import_storage.delete(job.stored_name)
        job.stored_name = ""
        job.save(update_fields=["stored_name"])


@transaction.atomic
def job_abandon(*, job: ImportJob, by) -> ImportJob:
    _require(by)
    _require_open(job)
    job.status = JobStatus.ABANDONED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    _discard_file(job)
    audit_record(actor=by, action=Action.UPDATE, obj=job, detail="importación abandonada; archivo eliminado")
    return job


def import_run(*, job_id: int) -> ImportJob:
    """Run a queued import: every row, all or nothing. Safe to run twice (a job not queued is left alone).

    Not one transaction end to end on purpose: the job is marked running first (so the page shows it), then
    every write of the file is one transaction (``writer.write_rows``), then the outcome is recorded."""
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job
    by = job.created_by
    reporter = progress.Reporter(job.pk, job.progress_total)
    try:
        headers, table = job_table(job)
        excluded = set(job.excluded)
        table = [(n, cells) for n, cells in table if n not in excluded]
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            rows = validation.check_rows(headers, table, job.mapping)
            _check_links(job, rows)
            counts = write_rows(job=job, by=by, rows=rows, report=reporter)
            for key, value in counts.items():
                setattr(job, key, value)
            job.status = JobStatus.DONE
            job.progress_done = job.progress_total
            job.finished_at = timezone.now()
            job.save()
            audit_record(
                actor=by,
                action=Action.CREATE,
                obj=job,
                detail=f"importación terminada: {counts['people_created']} personas nuevas, "
                f"{counts['people_linked']} vinculadas, {counts['cases_created']} expedientes, "
                f"{counts['consultations_created']} consultas",
            )
    except ImportFailed as exc:
        _fail(job, by, str(exc))
    except Exception:
        logger.exception("import %s failed", job.pk)  # the job id only: never data from the file
        _fail(job, by, _("An unexpected error stopped the import. Nothing was imported."))
    finally:
        reporter.close()
    _discard_file(job)
    return job


@transaction.atomic
def _fail(job: ImportJob, by, why: str) -> None:
    job.refresh_from_db()
    job.status = JobStatus.FAILED
    job.failure = why[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "finished_at"])
    audit_record(actor=by, action=Action.UPDATE, obj=job, detail="importación fallida: nada se importó")


def stale_uploads_prune() -> int:
    """Retention: imports left in the column map or the preview for more than DATAIMPORT_STALE_HOURS are
    abandoned and their files deleted (a periodic job of the sender, ``apps.py``). Each one is its own
    transaction, audited as the system's act. Returns how many."""
    limit = timezone.now() - timedelta(hours=conf.get("DATAIMPORT_STALE_HOURS"))
    count = 0
    for job in ImportJob.objects.filter(status__in=OPEN_STATUSES, created_at__lt=limit):
        with transaction.atomic():
            job.status = JobStatus.ABANDONED
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "finished_at"])
            _discard_file(job)
            audit_record(
                actor=None,
                actor_label="sistema",
                action=Action.UPDATE,
                obj=job,
                detail="importación sin terminar: abandonada y archivo eliminado por retención",
            )
        count += 1
    return count
