"""Writes of documents: upload with the type read from the file's bytes and a size limit; nothing kept on error."""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import EventKind
from violeta.cases.selectors import can_view_case
from violeta.cases.services import case_event_record
from violeta.documents import attachers, filetypes
from violeta.documents.models import Document
from violeta.documents.storage import private_storage
from violeta.legal.selectors import can_read_matters


def _check_size(file) -> None:
    limit = settings.DOCUMENTS_MAX_BYTES
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


@transaction.atomic
def document_upload(*, by, case, file, title: str, matter=None, referral=None) -> Document:
    """Keep an uploaded file in the private folder under a random name, attached to the case (or its matter).

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
    _check_size(file)
    try:
        kind = filetypes.detect(file, file.name)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    now = timezone.now()
    stored = private_storage.save(f"{now:%Y/%m}/{uuid.uuid4().hex}{kind.extension}", file)
    try:
        document = Document(
            case=case,
            matter=matter,
            referral=referral,
            title=title[:150],
            original_name=(file.name or "documento")[-200:],
            file=stored,
            content_type=kind.content_type,
            size=file.size,
            sha256=_digest(file),
            uploaded_by=by,
            uploaded_at=now,
        )
        document.save()
        audit_record(actor=by, action=Action.CREATE, obj=document, case_id=case.pk)
        case_event_record(
            case=case,
            by=by,
            kind=EventKind.DOCUMENT,
            # The title may say more than the whole team should read (a matter's documents): keep it generic.
            description=_("Legal matter document added") if matter else _("Document added"),
            area=by.area if getattr(by, "area_id", None) else None,
        )
    except BaseException:
        private_storage.delete(stored)
        raise
    return document
