"""Proofs uploaded with an application: type decided by the file's first bytes, size bounded, kept private."""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Magic numbers of the formats accepted: what the file is, not what its name or the browser says.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str


def check_upload(upload) -> CheckedUpload:
    """Read and check an uploaded file; a Spanish ValidationError says what is wrong with it."""
    limit = settings.CARD["UPLOAD_MAX_BYTES"]
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "limit": limit // 1024 // 1024},
            code="upload_size",
        )
    content = upload.read()
    if not content:
        raise ValidationError(_("The file is empty."), code="upload_empty")
    for magic, content_type, extension in SIGNATURES:
        if content.startswith(magic):
            return CheckedUpload(content, content_type, extension, hashlib.sha256(content).hexdigest())
    raise ValidationError(
        _("The file must be a PDF, a JPG or a PNG (a photo or a scan of the document)."),
        code="upload_type",
    )


def store(checked: CheckedUpload) -> str:
    """Write the file under a random name in the private directory; returns that name."""
    root = settings.CARD["PRIVATE_ROOT"]
    root.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{checked.extension}"
    path = root / name
    path.write_bytes(checked.content)
    path.chmod(0o600)
    return name


def path_of(stored_name: str):
    return settings.CARD["PRIVATE_ROOT"] / stored_name
