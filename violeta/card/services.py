"""Writes of the card program. Keyword-only, one transaction each, the audit record inside it."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.card import eligibility, numbers, ratelimit, uploads
from violeta.card.models import (
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    Branch,
    Card,
    CardApplication,
    CardStatus,
    CardUse,
    Channel,
    DocumentKind,
    Merchant,
    MerchantAccount,
    ValidationResult,
)
from violeta.messaging.models import MessageKind
from violeta.messaging.services import message_queue

OFFICE_ROLES = frozenset({Role.CARD_OFFICE, Role.DIRECTOR})
ONLINE_LABEL = "solicitud en línea"


def _require_office(user) -> None:
    if not (user and user.is_authenticated and user.is_active and user.role in OFFICE_ROLES):
        raise PermissionDenied


def _event(application: CardApplication, *, by, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application,
        status=application.status,
        note=note[:255],
        by=by if getattr(by, "is_authenticated", False) else None,
    )


def _set_status(application: CardApplication, *, status: str, by, reason: str = "") -> None:
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
        _require_office(by)
    else:
        by, documents_checked_at_desk = None, False
    today = today or timezone.localdate()
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
    from violeta.notifications.services import notify

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
    _require_office(by)
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
                _set_status(
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
    _require_office(by)
    if application.status not in (ApplicationStatus.RECEIVED, ApplicationStatus.MISSING_DOCUMENTS):
        raise ValidationError(_("Only an application under review can be marked as missing documents."))
    if not note.strip():
        raise ValidationError(_("Say which documents are missing."), code="note")
    _set_status(application, status=ApplicationStatus.MISSING_DOCUMENTS, by=by, reason=note.strip())
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
    _set_status(application, status=ApplicationStatus.APPROVED, by=by)


@transaction.atomic
def application_approve(*, application: CardApplication, by, today: date | None = None) -> CardApplication:
    """Approve after re-checking eligibility (another card may have been issued since she applied)."""
    _require_office(by)
    _approve(application, by, today or timezone.localdate())
    return application


def applications_approve_bulk(*, ids, by, today: date | None = None) -> tuple[list, dict]:
    """Approve several; each in its own transaction, so one that fails does not hold back the others."""
    _require_office(by)
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
    _require_office(by)
    if not reason.strip():
        raise ValidationError(_("Write the reason for the rejection; she will be told."), code="reason")
    if application.status not in (
        ApplicationStatus.RECEIVED,
        ApplicationStatus.MISSING_DOCUMENTS,
        ApplicationStatus.APPROVED,
    ):
        raise ValidationError(_("This application can no longer be rejected."), code="state")
    _set_status(application, status=ApplicationStatus.REJECTED, by=by, reason=reason.strip())
    return application


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _new_card(*, application, by, valid_from: date, valid_until: date, replaces=None) -> Card:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Card.objects.create(
                    application=application,
                    number=numbers.new_card_number(),
                    issued_by=by,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    replaces=replaces,
                )
        except IntegrityError:  # a random number already taken (about 1 in 10^14): draw again
            continue
    raise RuntimeError("could not draw a free card number")


@transaction.atomic
def card_issue(*, application: CardApplication, by, today: date | None = None) -> Card:
    """Issue the card of an approved application: number, tokens, validity."""
    _require_office(by)
    if application.status != ApplicationStatus.APPROVED:
        raise ValidationError(_("Only an approved application can be given a card."), code="state")
    today = today or timezone.localdate()
    card = _new_card(
        application=application,
        by=by,
        valid_from=today,
        valid_until=_years_later(today, settings.CARD["VALIDITY_YEARS"]),
    )
    _set_status(application, status=ApplicationStatus.CARD_ISSUED, by=by)
    audit_record(actor=by, action=Action.CREATE, obj=card, detail="tarjeta emitida")
    return card


@transaction.atomic
def card_deliver(*, card: Card, by) -> Card:
    _require_office(by)
    if card.status != CardStatus.ACTIVE or card.delivered_at:
        raise ValidationError(_("This card cannot be marked as delivered."), code="state")
    card.delivered_at = timezone.now()
    card.save(update_fields=["delivered_at"])
    application = card.application
    if application.status == ApplicationStatus.CARD_ISSUED:
        _set_status(application, status=ApplicationStatus.DELIVERED, by=by)
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="tarjeta entregada")
    return card


@transaction.atomic
def card_renew(*, card: Card, by, today: date | None = None) -> Card:
    """Extend an active card's validity by the program's period, counted from today or its end date."""
    _require_office(by)
    if card.status != CardStatus.ACTIVE:
        raise ValidationError(_("Only an active card can be renewed."), code="state")
    today = today or timezone.localdate()
    card.valid_until = _years_later(max(today, card.valid_until), settings.CARD["VALIDITY_YEARS"])
    card.save(update_fields=["valid_until"])
    ApplicationEvent.objects.create(
        application=card.application, status=card.application.status, by=by, note=_("Card renewed")
    )
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="tarjeta renovada")
    return card


@transaction.atomic
def card_replace(*, card: Card, by, reason: str) -> Card:
    """A new card (new number, new QR) for a lost or damaged one; the old one stops working at once."""
    _require_office(by)
    if card.status != CardStatus.ACTIVE:
        raise ValidationError(_("Only an active card can be replaced."), code="state")
    if not reason.strip():
        raise ValidationError(_("Write why the card is replaced (lost, stolen, damaged)."), code="reason")
    card.status = CardStatus.REPLACED
    card.ended_at = timezone.now()
    card.ended_reason = reason.strip()[:255]
    card.save(update_fields=["status", "ended_at", "ended_reason"])
    new = _new_card(
        application=card.application,
        by=by,
        valid_from=timezone.localdate(),
        valid_until=card.valid_until,
        replaces=card,
    )
    ApplicationEvent.objects.create(
        application=card.application,
        status=card.application.status,
        by=by,
        note=_("Card replaced: %(reason)s") % {"reason": reason.strip()},
    )
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="tarjeta reemplazada")
    audit_record(actor=by, action=Action.CREATE, obj=new, detail="tarjeta de reemplazo")
    return new


@transaction.atomic
def card_cancel(*, card: Card, by, reason: str) -> Card:
    _require_office(by)
    if card.status != CardStatus.ACTIVE:
        raise ValidationError(_("Only an active card can be cancelled."), code="state")
    if not reason.strip():
        raise ValidationError(_("Write the reason for the cancellation."), code="reason")
    card.status = CardStatus.CANCELLED
    card.ended_at = timezone.now()
    card.ended_reason = reason.strip()[:255]
    card.save(update_fields=["status", "ended_at", "ended_reason"])
    ApplicationEvent.objects.create(
        application=card.application,
        status=card.application.status,
        by=by,
        note=_("Card cancelled: %(reason)s") % {"reason": reason.strip()},
    )
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="tarjeta cancelada")
    return card


@transaction.atomic
def card_link_send(*, card: Card, by) -> None:
    """Text her the link to her digital card, through the MIA SMS outbox (sent by the worker, retried).

    Only when her application recorded that she accepts text messages. The text names the program and carries
    the link, nothing else: no name, no number, no address.
    """
    from violeta.card.documents import holder_url

    _require_office(by)
    if card.status != CardStatus.ACTIVE:
        raise ValidationError(_("Only an active card can be sent."), code="state")
    if not card.application.accepts_sms:
        raise ValidationError(
            _(
                "She did not accept text messages in her application: give her the link or the printed card "
                "in person."
            ),
            code="no_sms_consent",
        )
    body = _("Your Mi apoyo, Mi bienestar card is ready. Open it on your phone: %(url)s") % {
        "url": holder_url(card)
    }
    message_queue(kind=MessageKind.REMINDER, to=card.application.phone, body=body)
    ApplicationEvent.objects.create(
        application=card.application,
        status=card.application.status,
        by=by,
        note=_("Digital card link sent by SMS"),
    )
    audit_record(actor=by, action=Action.UPDATE, obj=card, detail="enlace de tarjeta digital por SMS")


# --- Validation at the till ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    """All a merchant ever learns: the answer and, for a card that exists, the holder's first name."""

    result: str
    first_name: str = ""

    @property
    def label(self) -> str:
        return str(ValidationResult(self.result).label)


def merchant_account_of(user) -> MerchantAccount:
    """The business a till account belongs to; refused if it has none or the agreement is not in force."""
    if not (user.is_authenticated and user.is_active and user.role == Role.MERCHANT):
        raise PermissionDenied
    account = MerchantAccount.objects.select_related("merchant", "branch").filter(user=user).first()
    if account is None or not account.merchant.is_affiliated():
        raise PermissionDenied
    return account


def _rate_limit(user, ip: str | None) -> tuple[list[str], dict[str, int]]:
    """Count this attempt per account and per IP; refuse when over a limit. Returns the failure counters."""
    conf = settings.CARD
    attempts = [ratelimit.key(f"a:{user.pk}", 60)] + ([ratelimit.key(f"i:{ip}", 60)] if ip else [])
    failures = [ratelimit.key(f"fa:{user.pk}", 900)] + ([ratelimit.key(f"fi:{ip}", 900)] if ip else [])
    counts = ratelimit.read(attempts + failures)
    new = ratelimit.bump(counts, attempts, 60)
    limits = [conf["RATE_PER_MINUTE_ACCOUNT"], conf["RATE_PER_MINUTE_IP"]]
    over = any(new[k] > limit for k, limit in zip(attempts, limits, strict=False))
    if over or max(counts[k] for k in failures) >= conf["FAILURES_PER_15_MINUTES"]:
        raise ValidationError(
            _("Too many validations in a short time. Wait a few minutes and try again."), code="card_rate"
        )
    return failures, counts


def card_validate(
    *,
    user,
    account: MerchantAccount,
    number: str = "",
    token: str = "",
    branch: Branch | None = None,
    ip=None,
) -> Validation:
    """Answer valid / not valid / expired for a card shown at a till, and record the use.

    Rate-limited per account and per IP (attempts per minute, failed look-ups per 15 minutes) so numbers
    cannot be tried in bulk. The merchant learns the answer and the holder's first name, nothing else.
    """
    failure_keys, counts = _rate_limit(user, ip)
    branch = branch or account.branch
    if branch is not None and branch.merchant_id != account.merchant_id:
        raise PermissionDenied
    card = None
    if token:
        method = "qr"
        card = Card.objects.select_related("application").filter(Card.by_token("verify", token)).first()
    else:
        method = "number"
        number = numbers.compact_number(number)
        if numbers.luhn_valid(number) and len(number) == 16:
            card = Card.objects.select_related("application").filter(number=number).first()
    if card is None or card.status != CardStatus.ACTIVE:
        outcome = Validation(ValidationResult.NOT_VALID)
    elif card.is_expired() or card.valid_from > timezone.localdate():
        outcome = Validation(ValidationResult.EXPIRED, card.application.first_name)
    else:
        outcome = Validation(ValidationResult.VALID, card.application.first_name)
    if card is None:
        ratelimit.bump(counts, failure_keys, 900)
    with transaction.atomic():
        CardUse.objects.create(
            card=card,
            merchant_id=account.merchant_id,
            branch=branch,
            by=user,
            result=outcome.result,
            method=method,
        )
        if card is not None:
            audit_record(actor=user, action=Action.VIEW, obj=card, detail="validación en comercio")
    return outcome


# --- Merchants -----------------------------------------------------------------------------------------


@transaction.atomic
def merchant_save(*, by, merchant: Merchant | None = None, **fields) -> Merchant:
    """Create or update an affiliated business."""
    _require_office(by)
    start, end = fields.get("agreement_start"), fields.get("agreement_end")
    if start and end and end < start:
        raise ValidationError(
            {"agreement_end": _("The agreement cannot end before it starts.")}, code="dates"
        )
    created = merchant is None
    merchant = merchant or Merchant()
    for name, value in fields.items():
        setattr(merchant, name, value)
    merchant.save()
    audit_record(
        actor=by, action=Action.CREATE if created else Action.UPDATE, obj=merchant, detail="comercio afiliado"
    )
    return merchant


@transaction.atomic
def branch_add(*, by, merchant: Merchant, **fields) -> Branch:
    _require_office(by)
    branch = Branch.objects.create(merchant=merchant, **fields)
    audit_record(actor=by, action=Action.CREATE, obj=branch, detail="sucursal")
    return branch


@transaction.atomic
def merchant_account_link(*, by, user, merchant: Merchant, branch: Branch | None = None) -> MerchantAccount:
    """Tie a till account (role merchant) to its business; only such accounts can validate cards."""
    if not (by.is_superuser or by.role in OFFICE_ROLES or by.role == Role.SYSADMIN):
        raise PermissionDenied
    if user.role != Role.MERCHANT:
        raise ValidationError(_("Only an affiliated merchant account can be linked to a business."))
    if branch is not None and branch.merchant_id != merchant.pk:
        raise ValidationError(_("The branch belongs to another business."))
    account, _created = MerchantAccount.objects.update_or_create(
        user=user, defaults={"merchant": merchant, "branch": branch}
    )
    audit_record(actor=by, action=Action.UPDATE, obj=account, detail="cuenta de comercio")
    return account
