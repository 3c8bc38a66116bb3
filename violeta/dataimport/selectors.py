"""Reads of imports: a job is seen by who uploaded it and by the director; the preview and the report show
personal data from the file and of the people it matched, so they are audited as they are shown."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.http import Http404

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.dataimport import validation
from violeta.dataimport.models import ImportedRecord, ImportJob
from violeta.dataimport.roles import IMPORT_ROLES
from violeta.people.models import Person
from violeta.people.selectors import Candidate, duplicate_matches

PER_PAGE = 50


def visible_jobs(user):
    if not (user.is_authenticated and user.role in IMPORT_ROLES):
        return ImportJob.objects.none()
    jobs = ImportJob.objects.select_related("created_by")
    return jobs if user.role == Role.DIRECTOR else jobs.filter(created_by=user)


def jobs_page(user, *, page=1) -> Page:
    """The user's imports (the director: everyone's), newest first. Names of files and counts: no personal data."""
    return Paginator(visible_jobs(user), 20).get_page(page)


def access_job(user, pk: int, *, detail: str = "") -> ImportJob:
    """The import, if the user may see it (who uploaded it, the director); otherwise 404, audited."""
    job = visible_jobs(user).filter(pk=pk).first()
    if job is None:
        audit_denied(actor=user, object_type="dataimport.importjob", object_id=pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=job, detail=detail)
    return job


def job_for_polling(user, pk: int) -> ImportJob:
    """The import for its progress bar, polled every second: the same rule as ``access_job``, a refusal audited,
    but the read itself not (status and counts, no personal data; and on SQLite a write per poll would wait
    for the import's transaction)."""
    job = visible_jobs(user).filter(pk=pk).first()
    if job is None:
        audit_denied(actor=user, object_type="dataimport.importjob", object_id=pk)
        raise Http404
    return job


@dataclass
class PreviewRow:
    number: int
    row: validation.Row | None  # None: excluded by the user
    matches: list = field(default_factory=list)  # DuplicateMatch of the people who may be her (her first row)
    choice: int = 0
    conflict: str = ""


@dataclass
class Preview:
    page: Page
    total: int
    with_errors: int
    excluded: int
    women: int
    to_link: int


def preview(user, job: ImportJob, rows: list[validation.Row], *, page=1, only_problems=False) -> Preview:
    """One page of the checked rows, with, on each woman's first row, the people already registered who may be
    her (shown as the intake desk shows them, and audited the same way: ``people.selectors.duplicate_matches``).
    ``rows`` are the included rows as ``services.job_rows`` checked them."""
    by_number = {row.number: row for row in rows}
    excluded = set(job.excluded)
    numbers = sorted(set(by_number) | excluded)
    if only_problems:
        numbers = [n for n in numbers if n in by_number and not by_number[n].ok]
    shown = Paginator(numbers, PER_PAGE).get_page(page)
    wanted = {pk for n in shown.object_list for pk in job.candidates.get(str(n), [])}
    people = Person.objects.filter(blocked_at__isnull=True).select_related("neighborhood").in_bulk(wanted)
    items = []
    for n in shown.object_list:
        row = by_number.get(n)
        item = PreviewRow(number=n, row=row, choice=int(job.choices.get(str(n), 0) or 0))
        ids = job.candidates.get(str(n), [])
        if row is not None and ids:
            found = [Candidate(person=people[pk], score=0) for pk in ids if pk in people]
            item.matches = (
                duplicate_matches(user, found, phone=row.values.get("phone") or None) if found else []
            )
        items.append(item)
    shown.object_list = items
    women = {row.person_key for row in rows}
    return Preview(
        page=shown,
        total=len(by_number) + len(excluded),
        with_errors=sum(1 for row in rows if not row.ok),
        excluded=len(excluded),
        women=len(women),
        to_link=sum(1 for pk in job.choices.values() if pk),
    )


def report_rows(user, job: ImportJob):
    """What the import created and linked, for its report (CSV), audited as a view of each person and case."""
    records = list(
        ImportedRecord.objects.filter(job=job).select_related("person", "case").order_by("row_number")
    )
    audit_many(
        actor=user, action=Action.VIEW, objects=[r.person for r in records], detail="reporte de importación"
    )
    audit_record(
        actor=user,
        action=Action.EXPORT,
        obj=job,
        detail=f"reporte de importación: {len(records)} expedientes",
    )
    return records
