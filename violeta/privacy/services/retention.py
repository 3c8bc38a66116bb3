"""Retention: deleting what is past its period (settings.PRIVACY["RETENTION"]), and counting what would be.

``retention_run`` is not one transaction, on purpose: each kind is deleted in its own transaction with the
audit record of its count, and closed cases and expired blocks one transaction per case or block, so a long
run commits as it goes and a failure keeps what was already deleted (the next run, idempotent, finds the rest).
``retention_due`` (and ``retention_run`` with ``dry_run``) only read.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from violeta.alerts.services.retention import locations_purge
from violeta.audit.models import Action, AuditEvent
from violeta.audit.services import audit_record
from violeta.people.models import Person
from violeta.privacy.models import PersonBlock
from violeta.privacy.services.erasure import erase_rows, person_erase


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the last day of the month when it has fewer days)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def retention_period(key: str) -> int:
    """A period of settings.PRIVACY["RETENTION"], in the unit its key names (days, months or years)."""
    return settings.PRIVACY["RETENTION"][key]


def _expired_closed_cases(now):
    from violeta.cases.models import Case, CaseStatus

    limit = months_before(now, 12 * retention_period("closed_cases_years"))
    return Case.objects.filter(status=CaseStatus.CLOSED, closed_at__lt=limit)


def _expired_card_applications(now):
    from violeta.card.models import ApplicationStatus, CardApplication

    limit = months_before(now, retention_period("rejected_card_applications_months"))
    return CardApplication.objects.filter(status=ApplicationStatus.REJECTED, updated_at__lt=limit)


def _expired_blocks(now):
    return PersonBlock.objects.filter(
        deleted_at__isnull=True, person__isnull=False, delete_after__lt=timezone.localdate(now)
    ).select_related("person")


def _person_is_free(person: Person) -> bool:
    """Whether nothing else keeps her record: no other case, no MIA account, no card application."""
    from violeta.alerts.models import MiaAccount
    from violeta.card.models import CardApplication
    from violeta.cases.models import CaseParty

    if CaseParty.objects.filter(person=person).exists() or MiaAccount.objects.filter(person=person).exists():
        return False
    return not (person.curp and CardApplication.objects.filter(curp=person.curp).exists())


RETENTION_KINDS = (
    "mia_locations",
    "closed_cases",
    "rejected_card_applications",
    "phone_calls",
    "blocked_records",
    "audit_log",
)


def retention_due(*, now=None) -> dict[str, int]:
    """How many rows of each kind are past their retention period (what a run would delete)."""
    from violeta.agenda.models import PhoneCall
    from violeta.alerts.models import AlertLocation

    now = now or timezone.now()
    return {
        "mia_locations": AlertLocation.objects.filter(alert__purge_after__lte=now).count(),
        "closed_cases": _expired_closed_cases(now).count(),
        "rejected_card_applications": _expired_card_applications(now).count(),
        "phone_calls": PhoneCall.objects.filter(
            at__lt=months_before(now, 12 * retention_period("phone_calls_years"))
        ).count(),
        "blocked_records": _expired_blocks(now).count(),
        # Reported, never deleted here: the log is append-only (see docs/security.md).
        "audit_log": AuditEvent.objects.filter(
            at__lt=months_before(now, 12 * retention_period("audit_log_years"))
        ).count(),
    }


def _record_run(kind: str, count: int, *, detail: str = "") -> None:
    audit_record(
        actor=None,
        action=Action.DELETE,
        object_type="privacy.retention",
        object_id=kind,
        detail=f"retención {kind}: {count} {detail}".strip(),
        actor_label="retención",
    )


def retention_run(*, dry_run: bool = False, now=None) -> dict[str, int]:
    """Apply the retention rules (settings.PRIVACY["RETENTION"]): delete what is past its period.

    Idempotent: a second run finds nothing more to delete. Each kind is deleted in its own transaction and
    audited as a deletion with its count. With ``dry_run`` nothing is deleted or audited: it returns what would be.
    """
    from violeta.agenda.models import PhoneCall

    now = now or timezone.now()
    if dry_run:
        return retention_due(now=now)
    done = dict.fromkeys(RETENTION_KINDS, 0)
    with transaction.atomic():
        done["mia_locations"] = locations_purge(now=now)
        if done["mia_locations"]:
            _record_run("mia_locations", done["mia_locations"])
    for case in _expired_closed_cases(now).select_related("holder"):
        with transaction.atomic():
            holder = case.holder
            counts = erase_rows({"cases.case": {case.pk}})
            done["closed_cases"] += 1
            audit_record(
                actor=None,
                action=Action.DELETE,
                object_type="cases.case",
                object_id=case.pk,
                case_id=case.pk,
                detail=f"retención: expediente cerrado, {sum(counts.values())} registros",
                actor_label="retención",
            )
            holder.refresh_from_db()
            if not holder.held_cases.exists() and _person_is_free(holder):
                person_erase(person=holder, detail="retención: sin expedientes")
    if done["closed_cases"]:
        _record_run("closed_cases", done["closed_cases"])
    with transaction.atomic():
        ids = set(_expired_card_applications(now).values_list("pk", flat=True))
        if ids:
            erase_rows({"card.cardapplication": ids})
            done["rejected_card_applications"] = len(ids)
            _record_run("rejected_card_applications", len(ids))
    with transaction.atomic():
        limit = months_before(now, 12 * retention_period("phone_calls_years"))
        done["phone_calls"], _rows = PhoneCall.objects.filter(at__lt=limit).delete()
        if done["phone_calls"]:
            _record_run("phone_calls", done["phone_calls"])
    for block in _expired_blocks(now):
        with transaction.atomic():
            person = block.person
            block.deleted_counts = person_erase(person=person, detail="retención: bloqueo vencido")
            block.deleted_at = timezone.now()
            block.save(update_fields=["deleted_at", "deleted_counts"])
            done["blocked_records"] += 1
    if done["blocked_records"]:
        _record_run("blocked_records", done["blocked_records"])
    done["audit_log"] = 0  # never deleted here
    return done
