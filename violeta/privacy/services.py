"""Writes of the privacy app: ARCO requests and their answers, blocking and erasure, breaches, retention."""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action, AuditEvent
from violeta.audit.services import audit_record
from violeta.notifications.services import notifications_cancel, notify
from violeta.people.models import ConsentPurpose, Person
from violeta.people.services import consent_record, person_update, safe_contact_set
from violeta.privacy import clock, export
from violeta.privacy.models import (
    ArcoRequest,
    ArcoRight,
    ArcoStatus,
    Breach,
    Opposition,
    PersonBlock,
    RectificationNotice,
)

logger = logging.getLogger(__name__)

# Who registers and answers ARCO requests: the director and the area coordinators (the institute's privacy
# officers; no role of its own, see docs/security.md). Blocked records and breaches: the director only.
PRIVACY_ROLES = frozenset({Role.DIRECTOR, Role.COORDINATOR})
# The person fields a rectification may correct (through people.services.person_update).
RECTIFIABLE = (
    "given_names",
    "first_surname",
    "second_surname",
    "birth_date",
    "curp",
    "phone",
    "phone_alt",
    "email",
    "address",
    "postal_code",
)
# What the referral letter gives a partner institution: only corrections of these are passed on.
SHARED_WITH_INSTITUTIONS = ("given_names", "first_surname", "second_surname", "birth_date", "curp", "phone")


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


def conf(key: str):
    return settings.PRIVACY[key]


def retention(key: str) -> int:
    return settings.PRIVACY["RETENTION"][key]


def is_privacy_officer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in PRIVACY_ROLES)


def _require_officer(user) -> None:
    if not is_privacy_officer(user):
        raise PermissionDenied


def _require_handler(request: ArcoRequest, user) -> None:
    if not (request.handler_id == user.pk or user.role == Role.DIRECTOR):
        raise PermissionDenied


def _require_open(request: ArcoRequest) -> None:
    if not request.is_open:
        raise ValidationError(_("The request is already closed: it was answered or refused."), code="closed")


def _reminder_key(request: ArcoRequest) -> str:
    return f"privacy.arco:{request.pk}:due"


def _remind(request: ArcoRequest) -> None:
    """A notice to the handler some business days before the answer is due (the notification app e-mails it)."""
    day = clock.subtract_business_days(request.due_on, conf("ARCO_REMINDER_BUSINESS_DAYS"))
    when = timezone.make_aware(datetime.combine(day, time(9, 0)))
    notify(
        recipients=[request.handler],
        kind="privacy",
        message=_("The ARCO request %(folio)s must be answered by %(date)s.")
        % {"folio": request.folio, "date": request.due_on.strftime("%d/%m/%Y")},
        url=reverse("privacy:arco_detail", kwargs={"pk": request.pk}),
        deliver_at=when if when > timezone.now() else None,
        key=_reminder_key(request),
    )


def _audit(request: ArcoRequest, *, by, action=Action.UPDATE, detail: str, flagged: bool = False) -> None:
    audit_record(actor=by, action=action, obj=request, detail=detail, flagged=flagged)
    if request.person_id:
        audit_record(
            actor=by,
            action=action,
            object_type="people.person",
            object_id=request.person_id,
            detail=f"{request.folio} {detail}",
            flagged=flagged,
        )


@transaction.atomic
def arco_register(
    *,
    person: Person,
    by,
    right: str,
    received_on,
    identity_check: str,
    description: str,
    identity_notes: str = "",
    handler=None,
) -> ArcoRequest:
    """Register her request, start its legal clock (20 business days) and remind the handler before it is due."""
    _require_officer(by)
    handler = handler or by
    if not is_privacy_officer(handler):
        raise ValidationError({"handler": _("Only the director or a coordinator may handle ARCO requests.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date it was received cannot be in the future.")})
    request = ArcoRequest(
        person=person,
        right=right,
        received_on=received_on,
        identity_check=identity_check,
        identity_notes=identity_notes,
        description=description,
        due_on=clock.add_business_days(received_on, conf("ARCO_BUSINESS_DAYS")),
        handler=handler,
        created_by=by,
    )
    request.full_clean()
    request.save()
    _audit(request, by=by, action=Action.CREATE, detail=f"solicitud ARCO ({right})")
    _remind(request)
    return request


@transaction.atomic
def arco_start(*, request: ArcoRequest, by) -> ArcoRequest:
    _require_handler(request, by)
    if request.status != ArcoStatus.RECEIVED:
        raise ValidationError(_("Only a request just received can be started."), code="state")
    request.status = ArcoStatus.IN_PROGRESS
    request.save(update_fields=["status"])
    _audit(request, by=by, detail="en trámite")
    return request


@transaction.atomic
def arco_extend(*, request: ArcoRequest, by, reason: str) -> ArcoRequest:
    """The one extension the law allows (20 more business days), justified, decided before the term ends."""
    _require_handler(request, by)
    _require_open(request)
    if request.extended_at is not None:
        raise ValidationError(_("The term can be extended only once."), code="extended")
    if request.due_on < timezone.localdate():
        raise ValidationError(_("The term is over: it can no longer be extended."), code="late")
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the term is extended.")})
    request.status = ArcoStatus.EXTENDED
    request.extension_reason = reason.strip()
    request.extended_at = timezone.now()
    request.due_on = clock.add_business_days(request.due_on, conf("ARCO_EXTENSION_BUSINESS_DAYS"))
    request.save(update_fields=["status", "extension_reason", "extended_at", "due_on"])
    _audit(request, by=by, detail="prórroga")
    _remind(request)
    return request


def _close(request: ArcoRequest, *, by, status: str, detail: str) -> None:
    request.status = status
    request.closed_at = timezone.now()
    request.save()
    _audit(request, by=by, detail=detail)
    notifications_cancel(key=_reminder_key(request))


@transaction.atomic
def arco_answer(*, request: ArcoRequest, by, response: str) -> ArcoRequest:
    _require_handler(request, by)
    _require_open(request)
    if not response.strip():
        raise ValidationError({"response": _("Write the answer given to her.")})
    request.response = response.strip()
    _close(request, by=by, status=ArcoStatus.ANSWERED, detail="respondida")
    return request


@transaction.atomic
def arco_refuse(*, request: ArcoRequest, by, reason: str) -> ArcoRequest:
    _require_handler(request, by)
    _require_open(request)
    if not reason.strip():
        raise ValidationError({"reason": _("Write the legal reason for refusing.")})
    request.refusal_reason = reason.strip()
    _close(request, by=by, status=ArcoStatus.REFUSED, detail="improcedente")
    return request


def _require_right(request: ArcoRequest, right: str) -> None:
    if request.right != right:
        raise ValidationError(_("This request is for another right."), code="right")
    if request.person_id is None:
        raise ValidationError(_("Her record no longer exists."), code="erased")


@transaction.atomic
def arco_export(*, request: ArcoRequest, by) -> bytes:
    """Her complete export (ZIP) for the handler only; audited as an export of her and of each of her cases."""
    if request.handler_id != by.pk:
        raise PermissionDenied
    _require_right(request, ArcoRight.ACCESS)
    if request.status == ArcoStatus.REFUSED:
        raise ValidationError(_("The request was refused."), code="refused")
    person = request.person
    content, counts = export.build_export(person, generated_by=by)
    total = sum(counts.values())
    audit_record(
        actor=by,
        action=Action.EXPORT,
        object_type="people.person",
        object_id=person.pk,
        detail=f"{request.folio} acceso ARCO: exportación completa ({total} registros)",
    )
    for case_id in export.her_roots(person)["cases.case"]:
        audit_record(
            actor=by,
            action=Action.EXPORT,
            object_type="cases.case",
            object_id=case_id,
            case_id=case_id,
            detail=f"{request.folio} acceso ARCO",
        )
    request.exported_at = timezone.now()
    request.save(update_fields=["exported_at"])
    return content


def _referrals_to_institutions(person: Person):
    from violeta.referrals.models import Referral

    return (
        Referral.objects.filter(person=person, sent_at__isnull=False)
        .select_related("institution")
        .order_by("institution_id", "-sent_at")
    )


@transaction.atomic
def arco_rectify(*, request: ArcoRequest, by, changes: dict) -> list[RectificationNotice]:
    """Correct her data through the people app's service, and tell each institution that received it.

    One notice per institution (its latest referral names it); its liaisons are notified and see the
    corrections in their portal. Only the corrections of data a referral letter carries are passed on.
    """
    _require_handler(request, by)
    _require_open(request)
    _require_right(request, ArcoRight.RECTIFICATION)
    person = request.person
    changes = {k: v for k, v in changes.items() if k in RECTIFIABLE and getattr(person, k) != v}
    if not changes:
        raise ValidationError(_("Nothing was changed: write the corrected data."), code="empty")
    person = person_update(person=person, by=by, **changes)
    _audit(request, by=by, detail="rectificación aplicada: " + ", ".join(sorted(changes)))
    shared = [k for k in changes if k in SHARED_WITH_INSTITUTIONS]
    notices = []
    if not shared:
        return notices
    lines = []
    for key in shared:
        f = Person._meta.get_field(key)
        value = getattr(person, key)
        shown = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else (value or "—")
        lines.append(f"{f.verbose_name}: {shown}")
    corrections = "\n".join(lines)
    seen = set()
    for referral in _referrals_to_institutions(person):
        if referral.institution_id in seen:
            continue
        seen.add(referral.institution_id)
        notice = RectificationNotice.objects.create(
            request=request,
            institution=referral.institution,
            referral=referral,
            referral_folio=referral.folio,
            corrections=corrections,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=notice,
            case_id=referral.case_id,
            detail=f"rectificación comunicada a {referral.institution.short_name or referral.institution.name}",
        )
        users = [link.user for link in referral.institution.liaisons.select_related("user")]
        notify(
            recipients=users,
            kind="privacy",
            message=_("Data rectification for the referral %(folio)s: please update your records.")
            % {"folio": referral.folio},
            url=reverse("privacy:liaison_notice", kwargs={"pk": notice.pk}),
        )
        notices.append(notice)
    return notices


@transaction.atomic
def rectification_acknowledge(*, notice: RectificationNotice, by) -> RectificationNotice:
    if notice.acknowledged_at is None:
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = by
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=by, action=Action.UPDATE, obj=notice, detail="rectificación recibida (enlace)")
    return notice


@transaction.atomic
def arco_block(*, request: ArcoRequest, by, reason: str) -> PersonBlock:
    """Cancellation, first step: her record and her cases are blocked (only the director sees them) until the
    retention task deletes them after the blocking period."""
    _require_handler(request, by)
    _require_open(request)
    _require_right(request, ArcoRight.CANCELLATION)
    if not reason.strip():
        raise ValidationError({"reason": _("Write the reason for blocking her data.")})
    person = Person.objects.select_for_update().get(pk=request.person_id)
    if person.blocked_at is not None:
        raise ValidationError(_("Her data is already blocked."), code="blocked")
    now = timezone.now()
    person.blocked_at = now
    person.save(update_fields=["blocked_at"])
    block = PersonBlock.objects.create(
        person=person,
        request=request,
        reason=reason.strip(),
        blocked_at=now,
        blocked_by=by,
        delete_after=timezone.localdate() + timedelta(days=retention("blocked_records_days")),
    )
    _audit(request, by=by, detail="bloqueo por cancelación", flagged=True)
    return block


# What each opposition switches off: the consent purposes revoked.
OPPOSITION_CONSENTS = {
    Opposition.SMS: (ConsentPurpose.SMS,),
    Opposition.STATISTICS: (ConsentPurpose.STATISTICS,),
    Opposition.TRANSFERS: (ConsentPurpose.REFERRAL,),
}


@transaction.atomic
def arco_oppose(*, request: ArcoRequest, by, kinds: list[str]) -> ArcoRequest:
    """Record the processing she opposes and apply it: her consents for it are revoked and a refusal is
    recorded; for text messages her safe-contact rules and her card applications stop SMS too."""
    _require_handler(request, by)
    _require_open(request)
    _require_right(request, ArcoRight.OPPOSITION)
    kinds = [k for k in kinds if k in Opposition.values]
    if not kinds:
        raise ValidationError({"kinds": _("Choose at least one processing she opposes.")})
    person = request.person
    now = timezone.now()
    for kind in kinds:
        purposes = OPPOSITION_CONSENTS[kind]
        revoked = person.consents.filter(purpose__in=purposes, revoked_at__isnull=True, granted=True)
        for consent in revoked:
            consent.revoked_at = now
            consent.save(update_fields=["revoked_at"])
            audit_record(
                actor=by, action=Action.UPDATE, obj=consent, detail=f"revocado por oposición ({kind})"
            )
        for purpose in purposes:
            consent_record(
                person=person, by=by, purpose=purpose, granted=False, scope=f"{request.folio}: oposición ARCO"
            )
        if kind == Opposition.SMS:
            safe_contact_set(person=person, by=by, may_sms=False)
            _card_sms_off(person, by=by)
    request.oppositions = ",".join(sorted(set(request.opposition_list) | set(kinds)))
    request.save(update_fields=["oppositions"])
    _audit(request, by=by, detail="oposición aplicada: " + ", ".join(kinds))
    return request


def _card_sms_off(person: Person, *, by) -> None:
    from violeta.card.models import CardApplication

    if not person.curp:
        return
    for application in CardApplication.objects.filter(curp=person.curp, accepts_sms=True):
        application.accepts_sms = False
        application.save(update_fields=["accepts_sms"])
        audit_record(actor=by, action=Action.UPDATE, obj=application, detail="sin SMS por oposición ARCO")


# -- erasure


def _files_of(rows: dict[str, list]) -> list:
    """Callables that delete the files of the rows about to be deleted (run once the deletion commits)."""
    from violeta.card.models import ApplicationDocument
    from violeta.card.uploads import path_of
    from violeta.documents.models import Document

    doomed = []
    for doc in Document.objects.filter(pk__in=rows.get("documents.document", [])):
        if doc.file:
            doomed.append(lambda name=doc.file.name, storage=doc.file.storage: storage.delete(name))
    for doc in ApplicationDocument.objects.filter(pk__in=rows.get("card.applicationdocument", [])):
        path = path_of(doc.stored_name)
        doomed.append(lambda path=path: path.unlink(missing_ok=True))
    return doomed


def erase_rows(roots: dict[str, set]) -> dict[str, int]:
    """Delete the rows of these roots and every row that points at them (and their files). Returns counts.

    Deletes the deepest rows first; a row another one still protects is retried after it, so the order of
    foreign keys between apps does not have to be known here. Must run inside a transaction.
    """
    querysets = export.rows_for(roots)
    ids = {
        label: list(qs.values_list("pk", flat=True))
        for label, qs in querysets.items()
        if label not in export.KEEP_ON_ERASE
    }
    ids = {label: pks for label, pks in ids.items() if pks}
    files = _files_of(ids)
    order = [label for label in export.erase_order(querysets) if label in ids]
    order = [label for label in order if label not in export.ROOT_LABELS] + [
        label for label in ("card.cardapplication", "cases.case", "people.person") if label in ids
    ]
    counts, pending = {}, list(order)
    from django.apps import apps

    for _attempt in range(len(order) + 1):
        failed = []
        for label in pending:
            model = apps.get_model(label)
            try:
                with transaction.atomic():
                    model.objects.filter(pk__in=ids[label]).delete()
                counts[label] = len(ids[label])
            except (ProtectedError, RestrictedError, IntegrityError):
                failed.append(label)
        if not failed:
            break
        if len(failed) == len(pending):
            raise RuntimeError(f"cannot erase, rows still protected: {failed}")
        pending = failed
    for delete in files:
        transaction.on_commit(delete)
    return counts


@transaction.atomic
def person_erase(*, person: Person, by=None, detail: str) -> dict[str, int]:
    """Delete her record and everything that points at her or at her cases (her ARCO requests stay)."""
    pk = person.pk
    counts = erase_rows(export.her_roots(person))
    audit_record(
        actor=by,
        action=Action.DELETE,
        object_type="people.person",
        object_id=pk,
        detail=f"{detail}: {sum(counts.values())} registros",
        actor_label="" if by else "retención",
    )
    return counts


# -- breaches


BREACH_FIELDS = (
    "detected_on",
    "description",
    "data_affected",
    "people_affected",
    "measures",
    "people_notified_on",
    "authority_notified_on",
)


def _require_director(user) -> None:
    if not (user.is_authenticated and user.is_active and user.role == Role.DIRECTOR):
        raise PermissionDenied


@transaction.atomic
def breach_record(*, by, **fields) -> Breach:
    _require_director(by)
    unknown = set(fields) - set(BREACH_FIELDS)
    if unknown:
        raise TypeError(f"unknown breach fields: {sorted(unknown)}")
    breach = Breach(recorded_by=by, **fields)
    breach.full_clean()
    breach.save()
    audit_record(actor=by, action=Action.CREATE, obj=breach, detail="registro de vulneración", flagged=True)
    return breach


@transaction.atomic
def breach_update(*, breach: Breach, by, **fields) -> Breach:
    _require_director(by)
    unknown = set(fields) - set(BREACH_FIELDS)
    if unknown:
        raise TypeError(f"unknown breach fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(breach, key, value)
    breach.full_clean()
    breach.save()
    audit_record(actor=by, action=Action.UPDATE, obj=breach, detail="vulneración actualizada")
    return breach


# -- retention


def _expired_closed_cases(now):
    from violeta.cases.models import Case, CaseStatus

    limit = months_before(now, 12 * retention("closed_cases_years"))
    return Case.objects.filter(status=CaseStatus.CLOSED, closed_at__lt=limit)


def _expired_card_applications(now):
    from violeta.card.models import ApplicationStatus, CardApplication

    limit = months_before(now, retention("rejected_card_applications_months"))
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
            at__lt=months_before(now, 12 * retention("phone_calls_years"))
        ).count(),
        "blocked_records": _expired_blocks(now).count(),
        # Reported, never deleted here: the log is append-only (see docs/security.md).
        "audit_log": AuditEvent.objects.filter(
            at__lt=months_before(now, 12 * retention("audit_log_years"))
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
    from violeta.alerts.services.retention import locations_purge

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
        limit = months_before(now, 12 * retention("phone_calls_years"))
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
