"""The writes of an import, inside the one transaction of ``services.import_run``.

People go through ``people.services.person_create`` (parsing, name index, safe-contact row, audit) and case
files through ``cases.services.case_open`` (a folio of this year's sequence — the earlier folio is kept in the
report —, one open case per woman, the team, audit and timeline) and ``case_close``. Consultations take a bulk path, because
``consultation_record`` records a consultation *by the user's own area*, and an import records other people's
past work: it keeps the same invariants — ``full_clean`` on each row, one audit event per consultation
(``audit_many``), one timeline line per consultation (``CaseEvent``, as ``consultation_record`` writes it), the
case moved to follow-up — in a few statements per case file instead of several per consultation.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Area
from violeta.audit.models import Action
from violeta.audit.services import audit_many
from violeta.cases.models import ArrivalChannel, CaseEvent, CaseStatus, CloseReason, Consultation, EventKind
from violeta.cases.services import case_close, case_open
from violeta.dataimport.models import ImportedRecord
from violeta.dataimport.validation import Row
from violeta.people.models import Neighborhood, Person
from violeta.people.services import person_create
from violeta.violence import followups


class ImportFailed(Exception):
    """A row could not be written: the transaction is rolled back and the job says which row and why."""


def _why(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def write_rows(*, job, by, rows: list[Row], report) -> dict:
    """Write every row (already checked) and return the counts. Raises ImportFailed at the first row that
    cannot be written (a check that did not hold any more, a service's refusal)."""
    bad = [row for row in rows if not row.ok]
    if bad:
        raise ImportFailed(bad[0].errors[0])
    areas = Area.objects.in_bulk()
    hoods = Neighborhood.objects.in_bulk(
        {r.values["neighborhood_id"] for r in rows if r.values["neighborhood_id"]}
    )
    women: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        women[row.person_key].append(row)
    counts = {"people_created": 0, "people_linked": 0, "cases_created": 0, "consultations_created": 0}
    done = 0
    for group in women.values():
        try:
            _write_woman(job, by, group, areas, hoods, counts)
        except ValidationError as exc:
            raise ImportFailed(
                _("Row %(row)s: %(why)s Nothing was imported.") % {"row": group[0].number, "why": _why(exc)}
            ) from exc
        done += len(group)
        report(done)
    return counts


def _choice(job, group: list[Row]) -> int:
    for row in group:
        if str(row.number) in job.choices:
            return int(job.choices[str(row.number)] or 0)
    return 0


def _write_woman(job, by, group: list[Row], areas, hoods, counts) -> None:
    first = group[0].values
    person_id = _choice(job, group)
    if person_id:
        person = Person.objects.filter(pk=person_id, blocked_at__isnull=True).first()
        if person is None:
            raise ValidationError(_("the person chosen to link her to is no longer available."))
        counts["people_linked"] += 1
    else:
        person = person_create(
            by=by,
            given_names=first["given_names"],
            first_surname=first["first_surname"],
            second_surname=first["second_surname"],
            curp=first["curp"],
            birth_date=first["birth_date"],
            phone=first["phone"],
            neighborhood=hoods.get(first["neighborhood_id"]),
            postal_code=first["postal_code"],
        )
        counts["people_created"] += 1
    cases: dict[str, list[Row]] = defaultdict(list)
    for row in group:
        cases[row.case_key].append(row)
    # Her closed case files first: one open case file per woman, so an open one must come last.
    for case_rows in sorted(cases.values(), key=lambda rs: not rs[0].values["closed"]):
        try:
            _write_case(job, by, person, case_rows, areas, counts, created=not person_id)
        except ValidationError as exc:
            raise ImportFailed(
                _("Row %(row)s: %(why)s Nothing was imported.")
                % {"row": case_rows[0].number, "why": _why(exc)}
            ) from exc


def _write_case(job, by, person, rows: list[Row], areas, counts, *, created: bool) -> None:
    head = rows[0].values
    moments = sorted(r.values["consulted_at"] for r in rows if r.values["consulted_at"])
    opened_at = moments[0] if moments else timezone.now()
    reason = head["reason"] or _("Case file imported from the institute's earlier records.")
    case = case_open(
        holder=person,
        by=by,
        arrival_channel=ArrivalChannel.OTHER,
        reason=reason,
    )
    # The case file began when she was first attended, not on the day of the import.
    type(case).objects.filter(pk=case.pk).update(opened_at=opened_at)
    CaseEvent.objects.filter(case=case, kind=EventKind.OPENED).update(at=opened_at)
    consultations = _write_consultations(case, by, rows, areas)
    if head["closed"]:
        case.refresh_from_db()
        case_close(case=case, by=by, reason=CloseReason.OTHER)
        closed_at = max(moments[-1], opened_at) if moments else opened_at
        type(case).objects.filter(pk=case.pk).update(closed_at=closed_at)
        CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED).update(at=closed_at)
    # The opening and the consultations were written around save(): what her follow-up goes by, from them.
    followups.refresh([case.pk])
    ImportedRecord.objects.create(
        job=job,
        row_number=rows[0].number,
        legacy_folio=head["folio"],
        person=person,
        person_created=created,
        case=case,
        consultations=len(consultations),
    )
    counts["cases_created"] += 1
    counts["consultations_created"] += len(consultations)


def _write_consultations(case, by, rows: list[Row], areas) -> list[Consultation]:
    consultations = []
    for row in rows:
        v = row.values
        if not v["consulted_at"]:
            continue
        consultation = Consultation(
            case=case,
            area=areas[v["area_id"]],
            modality=v["modality"],
            started_at=v["consulted_at"],
            duration_minutes=v["duration"],
            summary=v["summary"],
            attended_by=by,
        )
        try:
            # The case, area and author are objects in hand: their rows exist (no query per consultation).
            consultation.full_clean(exclude=["case", "area", "attended_by"])
        except ValidationError as exc:
            raise ImportFailed(
                _("Row %(row)s: %(why)s Nothing was imported.") % {"row": row.number, "why": _why(exc)}
            ) from exc
        consultations.append(consultation)
    if not consultations:
        return consultations
    Consultation.objects.bulk_create(consultations)
    audit_many(
        actor=by,
        action=Action.CREATE,
        objects=consultations,
        detail="consulta importada de registros anteriores",
        case_of=lambda _c: case.pk,
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            at=c.started_at,
            actor=by,
            kind=EventKind.CONSULTATION,
            description=f"{c.area.name} · {c.get_modality_display()}"[:255],
            area=c.area,
            consultation=c,
        )
        for c in consultations
    )
    type(case).objects.filter(pk=case.pk, status=CaseStatus.OPEN).update(
        status=CaseStatus.FOLLOW_UP, updated_at=timezone.now()
    )
    return consultations
