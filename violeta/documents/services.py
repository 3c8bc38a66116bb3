"""Writes of documents: upload with the type read from the file's bytes and a size limit per kind; images stored
without their metadata (``images``); evidence details; the chain of custody. Nothing is kept on error."""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import EventKind
from violeta.cases.selectors import can_view_case
from violeta.cases.services import case_event_record
from violeta.core.validators import validate_not_future
from violeta.documents import attachers, audio, filetypes, images
from violeta.documents.models import CustodyEntry, CustodyKind, Document, EvidenceKind, TakenAtSource
from violeta.documents.selectors import can_read_document
from violeta.documents.storage import private_storage
from violeta.legal.selectors import can_read_matters


def size_limit(kind: filetypes.FileType | None = None) -> int:
    """The largest file accepted of this kind (audio and photos are larger than paper documents)."""
    if kind is not None and kind.is_audio:
        return settings.DOCUMENTS_AUDIO_MAX_BYTES
    if kind is not None and kind.is_image:
        return settings.DOCUMENTS_IMAGE_MAX_BYTES
    return settings.DOCUMENTS_MAX_BYTES


def largest_limit() -> int:
    return max(
        settings.DOCUMENTS_MAX_BYTES, settings.DOCUMENTS_AUDIO_MAX_BYTES, settings.DOCUMENTS_IMAGE_MAX_BYTES
    )


def _check_size(file, kind: filetypes.FileType | None) -> None:
    limit = size_limit(kind)
    if not file.size:
        raise ValidationError({"file": _("The file is empty.")})
    if file.size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
                % {"size": f"{file.size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:g}"}
            }
        )


def _digest(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def stored_digest(document: Document) -> str:
    """The SHA-256 of the stored copy as it is on disk now."""
    digest = hashlib.sha256()
    with private_storage.open(document.file.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _evidence_fields(*, case, by, kind, evidence_kind, taken_at, received_by, exif_taken_at) -> dict:
    """The evidence details checked: the kind matches the file, the date is not in the future, and who received
    it may see the case. Ordinary documents have none."""
    if not evidence_kind:
        return {}
    errors = {}
    if evidence_kind not in EvidenceKind.values:
        errors["evidence_kind"] = _("Choose what kind of evidence it is.")
    elif evidence_kind in (EvidenceKind.PHOTO, EvidenceKind.SCREENSHOT) and not kind.is_image:
        errors["file"] = _("A photo or a screenshot must be a JPEG, PNG or HEIC image.")
    elif evidence_kind == EvidenceKind.AUDIO and not kind.is_audio:
        errors["file"] = _("A voice message must be an OGG, M4A or MP3 audio file.")
    try:
        validate_not_future(taken_at)
    except ValidationError as exc:
        errors["taken_at"] = exc.messages
    received_by = received_by or by
    if not can_view_case(received_by, case):
        errors["received_by"] = _("Whoever received it must be someone who may see the case file.")
    if errors:
        raise ValidationError(errors)
    if taken_at is None and exif_taken_at is not None:
        taken_at, source = exif_taken_at, TakenAtSource.EXIF
    else:
        source = TakenAtSource.STATED if taken_at else ""
    return {
        "evidence_kind": evidence_kind,
        "taken_at": taken_at,
        "taken_at_source": source,
        "received_by": received_by,
    }


@transaction.atomic
def document_upload(
    *,
    by,
    case,
    file,
    title: str,
    matter=None,
    referral=None,
    evidence_kind: str = "",
    taken_at=None,
    received_by=None,
) -> Document:
    """Keep an uploaded file in the private folder under a random name, attached to the case (or its matter).

    Images (JPEG, PNG, HEIC) are stored re-encoded from their pixels, without EXIF, GPS, XMP, comments or text
    chunks (HEIC as JPEG); M4A and MP3 lose their tags, not a byte of sound (``audio``); the SHA-256 of the
    uploaded original and of the stored copy are both recorded. With
    ``evidence_kind`` it is an evidence item, with the date it was taken (hers, or the photo's EXIF date) and who
    received it. The first line of its chain of custody is written here.

    With ``referral`` (a counter-referral letter) the uploader may also be someone the referrals app lets attach
    to it without seeing the case (the liaison of the institution it was sent to; see ``attachers``).
    """
    if referral is not None:
        if referral.case_id != case.pk:
            raise PermissionDenied
        if not (can_view_case(by, case) or attachers.may_attach(by, referral)):
            raise PermissionDenied
    elif not can_view_case(by, case) or (matter is not None and not can_read_matters(by)):
        raise PermissionDenied
    if matter is not None and matter.case_id != case.pk:
        raise ValidationError({"matter": _("That legal matter belongs to another case file.")})
    if not case.is_active:
        raise ValidationError(_("The case file is closed. Reopen it to add documents."), code="closed")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Say what the document is (for example: birth certificate).")})
    if not file.size:
        raise ValidationError({"file": _("The file is empty.")})
    try:
        kind = filetypes.detect(file, file.name)
        _check_size(file, kind)
        clean = images.clean_image(file, kind.extension) if kind.is_image else None
        tags_removed = audio.clean_audio(file, kind.extension) if kind.is_audio else None
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    evidence = _evidence_fields(
        case=case,
        by=by,
        kind=kind,
        evidence_kind=evidence_kind,
        taken_at=taken_at,
        received_by=received_by,
        exif_taken_at=clean.taken_at if clean else None,
    )
    original_sha256 = _digest(file)
    if clean is not None:
        content, extension, content_type = ContentFile(clean.content), clean.extension, clean.content_type
        sha256, size = hashlib.sha256(clean.content).hexdigest(), len(clean.content)
    elif tags_removed is not None:
        content, extension, content_type = (
            ContentFile(tags_removed.content),
            kind.extension,
            kind.content_type,
        )
        sha256, size = hashlib.sha256(tags_removed.content).hexdigest(), len(tags_removed.content)
    else:
        content, extension, content_type = file, kind.extension, kind.content_type
        sha256, size = original_sha256, file.size
    now = timezone.now()
    stored = private_storage.save(f"{now:%Y/%m}/{uuid.uuid4().hex}{extension}", content)
    try:
        document = Document(
            case=case,
            matter=matter,
            referral=referral,
            title=title[:150],
            original_name=(file.name or "documento")[-200:],
            file=stored,
            content_type=content_type,
            size=size,
            sha256=sha256,
            original_sha256=original_sha256,
            metadata_removed=bool(clean and clean.had_metadata) or tags_removed is not None,
            uploaded_by=by,
            uploaded_at=now,
            **evidence,
        )
        document.save()
        audit_record(actor=by, action=Action.CREATE, obj=document, case_id=case.pk)
        _custody(
            document,
            by=by,
            kind=CustodyKind.RECEIVED,
            at=now,
            detail=f"SHA-256 {original_sha256}",
        )
        case_event_record(
            case=case,
            by=by,
            kind=EventKind.DOCUMENT,
            # The title may say more than the whole team should read (a matter's documents): keep it generic.
            description=(
                _("Legal matter document added")
                if matter
                else _("Evidence added")
                if evidence
                else _("Document added")
            ),
            area=by.area if getattr(by, "area_id", None) else None,
        )
    except BaseException:
        private_storage.delete(stored)
        raise
    return document


def _custody(
    document: Document, *, by, kind: str, at=None, recipient="", reason="", detail=""
) -> CustodyEntry:
    entry = CustodyEntry(
        document=document,
        kind=kind,
        at=at or timezone.now(),
        by=by,
        recipient=recipient,
        reason=reason,
        detail=detail[:200],
    )
    entry.full_clean()
    entry.save()
    return entry


def _check_reader(by, document: Document) -> None:
    if not can_read_document(by, document):
        raise PermissionDenied


@transaction.atomic
def document_served(*, by, document: Document, inline: bool) -> CustodyEntry:
    """Its content leaves the archive for ``by``: shown or played in the page (inline) or downloaded.
    ``access_document`` came first (and audited the read); this writes the export and the custody line."""
    _check_reader(by, document)
    audit_record(
        actor=by,
        action=Action.EXPORT,
        obj=document,
        case_id=document.case_id,
        detail="vista en pantalla" if inline else "descarga",
    )
    return _custody(document, by=by, kind=CustodyKind.VIEWED if inline else CustodyKind.DOWNLOADED)


def custody_served_elsewhere(*, by, document: Document) -> CustodyEntry:
    """The custody line of a download served by an app above through its own permission-checked, audited view
    (the referrals app's counter-referral letter, which the receiving institution's liaison downloads without
    seeing the case). The caller has checked the permission and audited the export."""
    return _custody(document, by=by, kind=CustodyKind.DOWNLOADED, detail=_("through the referral"))


@transaction.atomic
def custody_copy_given(*, by, document: Document, recipient: str, reason: str, at=None) -> CustodyEntry:
    """A copy was given to a prosecutor, a court or another authority: to whom, when, by whom and why."""
    _check_reader(by, document)
    recipient, reason = (recipient or "").strip(), (reason or "").strip()
    errors = {}
    if len(recipient) < 3:
        errors["recipient"] = _("Say to whom the copy was given (institution and person).")
    if len(reason) < 3:
        errors["reason"] = _("Say why the copy was given (for example: the complaint's investigation file).")
    try:
        validate_not_future(at)
    except ValidationError as exc:
        errors["at"] = exc.messages
    if at is not None and at < document.uploaded_at:
        errors["at"] = _("The copy cannot have been given before the file was received.")
    if errors:
        raise ValidationError(errors)
    entry = _custody(
        document, by=by, kind=CustodyKind.COPY_GIVEN, at=at, recipient=recipient[:200], reason=reason
    )
    audit_record(
        actor=by, action=Action.EXPORT, obj=document, case_id=document.case_id, detail="copia entregada"
    )
    return entry


@transaction.atomic
def document_verify(*, by, document: Document) -> bool:
    """Recompute the stored copy's SHA-256 and compare it with the one recorded at upload; the check is logged.
    True when it matches."""
    _check_reader(by, document)
    try:
        computed = stored_digest(document)
    except FileNotFoundError:
        computed = ""
    matches = computed == document.sha256
    _custody(
        document,
        by=by,
        kind=CustodyKind.VERIFIED if matches else CustodyKind.MISMATCH,
        detail=f"SHA-256 {computed or _('file missing')}",
    )
    audit_record(
        actor=by,
        action=Action.VIEW,
        obj=document,
        case_id=document.case_id,
        detail="integridad verificada" if matches else "integridad: no coincide",
        flagged=not matches,
    )
    return matches


@transaction.atomic
def evidence_update(*, by, document: Document, taken_at, received_by) -> Document:
    """Correct the date an evidence item was taken (as she says) and who received it; the change is logged."""
    _check_reader(by, document)
    if not document.is_evidence:
        raise ValidationError(_("This document is not evidence."))
    errors = {}
    try:
        validate_not_future(taken_at)
    except ValidationError as exc:
        errors["taken_at"] = exc.messages
    if received_by is None or not can_view_case(received_by, document.case):
        errors["received_by"] = _("Whoever received it must be someone who may see the case file.")
    if errors:
        raise ValidationError(errors)
    changes = []
    if taken_at != document.taken_at:
        document.taken_at = taken_at
        document.taken_at_source = TakenAtSource.STATED if taken_at else ""
        changes.append(_("date taken"))
    if received_by.pk != document.received_by_id:
        document.received_by = received_by
        changes.append(_("received by"))
    if not changes:
        return document
    document.save(update_fields=["taken_at", "taken_at_source", "received_by"])
    audit_record(actor=by, action=Action.UPDATE, obj=document, case_id=document.case_id)
    _custody(document, by=by, kind=CustodyKind.EDITED, detail=", ".join(str(c) for c in changes))
    return document
