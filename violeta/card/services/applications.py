"""Writes of card applications: receiving them (online or at the desk), their documents, approval, rejection.

One transaction each, with the audit record inside it: ``application_mark_missing``, ``application_approve``,
``application_reject``, and ``_duplicate_received`` (the note and text for an online application whose CURP is
already on file). ``application_submit`` and ``application_documents_add`` check eligibility and the uploaded
files first, outside any transaction; then the rows, the audit record (and the office's notice) are one
transaction. The files are stored on disk during it and removed again when it fails, since a rollback cannot
remove them. ``application_submit`` that loses a race on the one-application-per-CURP constraint answers after
its transaction rolled back, as for any duplicate (online: ``_duplicate_received`` in a new transaction).
``applications_approve_bulk`` is one transaction per application, on purpose: one that is refused does not hold
back the others. ``set_status`` opens no transaction: it writes in its caller's (also the card services').
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.card import eligibility, uploads
from violeta.card.models import (
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    CardApplication,
    Channel,
    DocumentKind,
)
from violeta.card.permissions import require_office
from violeta.core.validators import check_dates, validate_birth_date
from violeta.messaging.models import MessageKind
from violeta.messaging.services import message_queue
from violeta.notifications.services import notify

ONLINE_LABEL = "solicitud en línea"


def _event(application: CardApplication, *, by, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application,
        status=application.status,
        note=note[:255],
        by=by if getattr(by, "is_authenticated", False) else None,
    )


def set_status(application: CardApplication, *, status: str, by, reason: str = "") -> None:
    application.status = status
    application.status_reason = reason[:255]
    application.save(update_fields=["status", "status_reason", "updated_at"])
    _event(application, by=by, note=reason)
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=application,
        detail=f"solicitud de tarjeta: {status}",
        actor_label="" if getattr(by, "is_authenticated", False) else ONLINE_LABEL,
    )


def _eligibility_error(failures) -> ValidationError:
    return ValidationError([ValidationError(f.message, code=f.code) for f in failures])


def _check_files(documents: dict | None) -> dict:
    """Check every uploaded file before anything is written; errors by field."""
    checked, errors = {}, {}
    for kind, upload in (documents or {}).items():
        if upload is None:
            continue
        try:
            checked[kind] = uploads.check_upload(upload)
        except ValidationError as exc:
            errors[kind] = exc
    if errors:
        raise ValidationError(errors)
    return checked


def _store_documents(application: CardApplication, checked: dict, written: list) -> None:
    for kind, upload in checked.items():
        name = uploads.store(upload)
        written.append(name)
        ApplicationDocument.objects.create(
            application=application,
            kind=kind,
            stored_name=name,
            content_type=upload.content_type,
            size=len(upload.content),
            sha256=upload.sha256,
        )


def _documents_complete(application: CardApplication) -> bool:
    if application.documents_checked_at_desk:
        return True
    kinds = set(application.documents.values_list("kind", flat=True))
    return kinds >= set(DocumentKind.values)


def application_submit(
    *,
    given_names: str,
    first_surname: str,
    second_surname: str = "",
    birth_date: date,
    curp: str,
    address: str,
    postal_code: str,
    neighborhood=None,
    phone: str,
    channel: str,
    accepts_sms: bool = False,
    by=None,
    documents: dict | None = None,
    documents_checked_at_desk: bool = False,
    today: date | None = None,
) -> CardApplication | None:
    """Receive an application (online, by her; or at the desk, by staff) if she is eligible.

    Online, a CURP that already has an application in progress or an active card is not refused on screen
    (that would tell anyone who typed a CURP that she applied): nothing is stored, she is told through the
    institute (``_duplicate_received``) and None is returned; the form answers as for any application.

    Every failed eligibility rule is reported at once, in Spanish, and nothing is stored. Uploads are checked
    by their first bytes before anything is written. With both proofs (or the originals seen at the desk) the
    application is "received"; otherwise "missing documents".
    """
    if channel == Channel.DESK:
        require_office(by)
    else:
        by, documents_checked_at_desk = None, False
    today = today or timezone.localdate()
    check_dates({"birth_date": (validate_birth_date, birth_date, today)})  # before her age is worked out
    if neighborhood is not None:
        postal_code = neighborhood.postal_code
    failures = eligibility.check(
        eligibility.Applicant(
            curp=curp, birth_date=birth_date, postal_code=postal_code, neighborhood=neighborhood
        ),
        today,
    )
    online = channel == Channel.ONLINE
    duplicate = online and any(f.code in eligibility.DUPLICATE_CODES for f in failures)
    if online:  # what she typed may be refused; whether her CURP is on file is told to her, not to the form
        failures = [f for f in failures if f.code not in eligibility.DUPLICATE_CODES]
    if failures:
        raise _eligibility_error(failures)
    checked = _check_files(documents)
    if duplicate:
        _duplicate_received(curp, today)
        return None
    written: list[str] = []
    try:
        with transaction.atomic():
            application = CardApplication.objects.create(
                given_names=given_names.strip(),
                first_surname=first_surname.strip(),
                second_surname=second_surname.strip(),
                birth_date=birth_date,
                curp=curp,
                address=address.strip(),
                neighborhood=neighborhood,
                postal_code=postal_code,
                phone=phone,
                accepts_sms=bool(accepts_sms),
                channel=channel,
                documents_checked_at_desk=documents_checked_at_desk,
                submitted_by=by,
            )
            _store_documents(application, checked, written)
            if not _documents_complete(application):
                application.status = ApplicationStatus.MISSING_DOCUMENTS
                application.save(update_fields=["status"])
            ApplicationEvent.objects.create(application=application, status=ApplicationStatus.RECEIVED, by=by)
            if application.status != ApplicationStatus.RECEIVED:
                _event(application, by=by)
            audit_record(
                actor=by,
                action=Action.CREATE,
                obj=application,
                detail="solicitud de tarjeta",
                actor_label="" if by else ONLINE_LABEL,
            )
            if channel == Channel.ONLINE:
                _notify_office(today)
    except Exception as exc:
        for name in written:
            uploads.path_of(name).unlink(missing_ok=True)
        if isinstance(exc, IntegrityError):  # the same CURP submitted twice at the same moment
            failure = eligibility.rule_one_card_per_curp(
                eligibility.Applicant(curp=curp, birth_date=birth_date, postal_code=postal_code), today
            )
            if failure is not None and online:
                _duplicate_received(curp, today)
                return None
            if failure is not None:
                raise _eligibility_error([failure]) from exc
        raise
    return application


@transaction.atomic
def _duplicate_received(curp: str, today: date) -> None:
    """An online application for a CURP that already has one in progress or an active card.

    The public form answers exactly as for a new application (it must not tell anyone whether a CURP applied).
    She learns it through the institute: a text to the phone already on file, when she accepted texts there
    (at most one a day, so the form cannot be used to text her repeatedly), and a dated note on her
    application that the card office sees when she calls or comes in. Nothing of the second form is stored.
    """

    existing = CardApplication.objects.filter(curp=curp).order_by("-submitted_at", "-id").first()
    if existing is None:
        return
    note = _("Another online application with this CURP was received and not stored.")
    already_told = existing.events.filter(note=note, at__gte=timezone.now() - timedelta(days=1)).exists()
    ApplicationEvent.objects.create(application=existing, status=existing.status, note=note)
    audit_record(
        actor=None,
        action=Action.CREATE,
        obj=existing,
        detail="solicitud en línea repetida (no guardada)",
        actor_label=ONLINE_LABEL,
    )
    if existing.accepts_sms and not already_told:
        body = _(
            "We received another application for the Mi apoyo, Mi bienestar card with your CURP. You already "
            "have one: you do not need to apply again. If it was not you, call %(phone)s."
        ) % {"phone": settings.INSTITUTE["phone"]}
        message_queue(kind=MessageKind.REMINDER, to=existing.phone, body=body)


def _notify_office(today: date) -> None:
    """One notice a day to the card office when applications arrive online (no names: they are in the queue)."""
    notify(
        recipients=User.objects.filter(role=Role.CARD_OFFICE, is_active=True),
        kind="card.application",
        message=_("New card applications arrived online today."),
        url=reverse("card:office"),
        key=f"card.online:{today.isoformat()}",
    )


def application_documents_add(
    *, application: CardApplication, by, documents: dict | None = None, checked_at_desk: bool = False
) -> CardApplication:
    """Staff add the missing proofs (uploads) or record that they saw the originals at the desk."""
    require_office(by)
    if application.status not in (ApplicationStatus.RECEIVED, ApplicationStatus.MISSING_DOCUMENTS):
        raise ValidationError(_("The documents of this application can no longer be changed."), code="state")
    checked = _check_files(documents)
    written: list[str] = []
    try:
        with transaction.atomic():
            _store_documents(application, checked, written)
            if checked_at_desk and not application.documents_checked_at_desk:
                application.documents_checked_at_desk = True
                application.save(update_fields=["documents_checked_at_desk", "updated_at"])
            complete = _documents_complete(application)
            if complete and application.status == ApplicationStatus.MISSING_DOCUMENTS:
                set_status(
                    application, status=ApplicationStatus.RECEIVED, by=by, reason=_("Documents complete")
                )
            else:
                audit_record(actor=by, action=Action.UPDATE, obj=application, detail="documentos")
    except Exception:
        for name in written:
            uploads.path_of(name).unlink(missing_ok=True)
        raise
    return application


@transaction.atomic
def application_mark_missing(*, application: CardApplication, by, note: str) -> CardApplication:
    require_office(by)
    if application.status not in (ApplicationStatus.RECEIVED, ApplicationStatus.MISSING_DOCUMENTS):
        raise ValidationError(_("Only an application under review can be marked as missing documents."))
    if not note.strip():
        raise ValidationError(_("Say which documents are missing."), code="note")
    set_status(application, status=ApplicationStatus.MISSING_DOCUMENTS, by=by, reason=note.strip())
    return application


def _approve(application: CardApplication, by, today: date) -> None:
    if application.status != ApplicationStatus.RECEIVED:
        raise ValidationError(
            _("%(folio)s cannot be approved: it is “%(status)s”, not “received”.")
            % {"folio": application.folio, "status": application.get_status_display()},
            code="state",
        )
    if not _documents_complete(application):
        raise ValidationError(
            _("%(folio)s cannot be approved: its documents are incomplete.") % {"folio": application.folio},
            code="documents",
        )
    failures = eligibility.check(
        eligibility.Applicant(
            curp=application.curp,
            birth_date=application.birth_date,
            postal_code=application.postal_code,
            neighborhood=application.neighborhood,
            exclude_application_id=application.pk,
        ),
        today,
    )
    if failures:
        raise _eligibility_error(failures)
    set_status(application, status=ApplicationStatus.APPROVED, by=by)


@transaction.atomic
def application_approve(*, application: CardApplication, by, today: date | None = None) -> CardApplication:
    """Approve after re-checking eligibility (another card may have been issued since she applied)."""
    require_office(by)
    _approve(application, by, today or timezone.localdate())
    return application


def applications_approve_bulk(*, ids, by, today: date | None = None) -> tuple[list, dict]:
    """Approve several; each in its own transaction, so one that fails does not hold back the others."""
    require_office(by)
    today = today or timezone.localdate()
    approved, refused = [], {}
    applications = CardApplication.objects.filter(pk__in=list(ids)).select_related("neighborhood")
    for application in applications:
        try:
            with transaction.atomic():
                _approve(application, by, today)
            approved.append(application)
        except ValidationError as exc:
            refused[application.folio] = exc.messages
    return approved, refused


@transaction.atomic
def application_reject(*, application: CardApplication, by, reason: str) -> CardApplication:
    require_office(by)
    if not reason.strip():
        raise ValidationError(_("Write the reason for the rejection; she will be told."), code="reason")
    if application.status not in (
        ApplicationStatus.RECEIVED,
        ApplicationStatus.MISSING_DOCUMENTS,
        ApplicationStatus.APPROVED,
    ):
        raise ValidationError(_("This application can no longer be rejected."), code="state")
    set_status(application, status=ApplicationStatus.REJECTED, by=by, reason=reason.strip())
    return application
