"""Her signature on a consent, drawn at the desk on a tablet: checked before it is kept.

The page's canvas (``people/static/people/signature.js``) sends a PNG as a data URL in a hidden field. It is kept
only if it really is a PNG (magic bytes, and Pillow can read it), not too large (bytes and pixels: no
decompression bomb), and not blank (some ink: more than one colour, or some non-transparent pixel). It is then
stored base64 in an encrypted field of the consent (``Consent.signature_png``, AES-GCM at rest like every
encrypted field), with its SHA-256.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
MAX_BYTES = 200_000
MAX_WIDTH, MAX_HEIGHT = 2000, 1000
# Fewer inked pixels than this is a tap, not a signature.
MIN_INK_PIXELS = 20


def signature_from_data_url(data_url: str) -> bytes:
    """The PNG in ``data_url``, checked; a ``ValidationError`` in Spanish otherwise."""
    data_url = (data_url or "").strip()
    if not data_url.startswith(DATA_URL_PREFIX):
        raise ValidationError(_("The signature is not a PNG image."), code="signature_not_png")
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(_("The signature is too large."), code="signature_too_large")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The signature is not a PNG image."), code="signature_not_png") from None
    check_png(raw)
    return raw


def check_png(raw: bytes) -> None:
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("The signature is too large."), code="signature_too_large")
    if not raw.startswith(PNG_MAGIC):
        raise ValidationError(_("The signature is not a PNG image."), code="signature_not_png")
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(raw))
        if image.format != "PNG":
            raise ValidationError(_("The signature is not a PNG image."), code="signature_not_png")
        width, height = image.size
        if width > MAX_WIDTH or height > MAX_HEIGHT:
            raise ValidationError(_("The signature is too large."), code="signature_too_large")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The signature is not a PNG image."), code="signature_not_png") from None
    if _inked_pixels(image) < MIN_INK_PIXELS:
        raise ValidationError(
            _("The signature is blank: ask her to sign in the box, or choose verbal consent."),
            code="signature_blank",
        )


def _inked_pixels(image) -> int:
    """Pixels that differ from the background: opaque ones on a transparent canvas, or ones unlike the most
    common colour on an opaque one."""
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    if alpha.getextrema()[0] < 255:  # a transparent background: ink is what is not transparent
        return sum(count for value, count in enumerate(alpha.histogram()) if value > 0)
    grey = rgba.convert("L")
    histogram = grey.histogram()
    background = max(range(256), key=histogram.__getitem__)
    return sum(count for value, count in enumerate(histogram) if abs(value - background) > 32)


def encode(raw: bytes) -> tuple[str, str]:
    """What the consent keeps: the PNG in base64 (encrypted by the field) and its SHA-256."""
    return base64.b64encode(raw).decode("ascii"), hashlib.sha256(raw).hexdigest()


def decode(stored: str) -> bytes:
    return base64.b64decode(stored)
