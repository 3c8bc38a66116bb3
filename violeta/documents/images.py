"""Photos and screenshots are stored without their metadata: only the pixels, turned the right way up.

A phone's photo carries where it was taken (EXIF GPS), when, the device and often its owner's name (EXIF, XMP,
comments, PNG text chunks). A copy of her evidence given to a prosecutor, or seen by anyone, must not say where
she lives. So the stored copy is re-encoded from its pixels alone: the EXIF orientation is applied first (the
image looks as it did on the phone), the colour profile is kept (colour data, it says nothing about her), and
nothing else is written. HEIC/HEIF photos (iPhones) are converted to JPEG the same way, with ``pillow-heif``.

The original bytes are not kept when they carried metadata: keeping them would keep her location. The SHA-256 of
the original is recorded at upload, so a copy she or the prosecutor still has can be matched to this record.
The date the photo was taken (EXIF DateTimeOriginal) is read before it is dropped, to prefill the evidence.
"""

import contextlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF support; without it HEIC is refused with a clear message (see ``clean_image``).
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - the lock installs it
    HEIF_SUPPORTED = False

# A photo from a phone is 12–50 megapixels; more is a decompression bomb, not a photo.
MAX_PIXELS = 80_000_000
JPEG_QUALITY = 92
# What an image's info may hold that is about the pixels, not about her, the phone or the place.
PIXEL_KEYS = {
    "icc_profile",
    "dpi",
    "gamma",
    "srgb",
    "chromaticity",
    "jfif",
    "jfif_version",
    "jfif_unit",
    "jfif_density",
    "progressive",
    "progression",
    "adobe",
    "adobe_transform",
    "interlace",
    "transparency",
    "aspect",
}


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str  # ".jpg" or ".png"
    content_type: str
    taken_at: datetime | None  # EXIF DateTimeOriginal, when the photo had one that makes sense
    had_metadata: bool  # the original carried EXIF, XMP, comments or text chunks


def _unreadable():
    return ValidationError(
        _("The image could not be read. It may be damaged; try exporting it again from the phone."),
        code="image_unreadable",
    )


def _taken_at(exif: Image.Exif) -> datetime | None:
    """DateTimeOriginal (or the image's DateTime), with its offset when the camera wrote one."""
    details = exif.get_ifd(ExifTags.IFD.Exif)
    raw = details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if not isinstance(raw, str):
        return None
    try:
        value = datetime.strptime(raw.strip()[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = details.get(ExifTags.Base.OffsetTimeOriginal)
    if isinstance(offset, str):
        with contextlib.suppress(ValueError):
            value = datetime.strptime(f"{raw.strip()[:19]}{offset.strip()}", "%Y:%m:%d %H:%M:%S%z")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # the institute's time zone: where the phone most likely was
    if value > timezone.now() or value.year < 2000:
        return None
    return value


def _has_metadata(image: Image.Image, exif: Image.Exif) -> bool:
    if len(exif):
        return True
    return bool(set(image.info) - PIXEL_KEYS) or bool(getattr(image, "text", None))


def clean_image(fileobj, extension: str) -> CleanImage:
    """The image re-encoded from its pixels only (JPEG stays JPEG, PNG stays PNG, HEIC becomes JPEG)."""
    if extension in (".heic", ".heif") and not HEIF_SUPPORTED:  # pragma: no cover - the lock installs it
        raise ValidationError(
            _(
                "HEIC photos cannot be received on this server. Send it as JPEG (on the iPhone: Settings, "
                "Camera, Formats, Most compatible)."
            ),
            code="heic_unsupported",
        )
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(
                        _("The image is too large (more than %(limit)s megapixels).")
                        % {"limit": MAX_PIXELS // 1_000_000},
                        code="image_pixels",
                    )
                image.load()
                exif = image.getexif()
                taken_at = _taken_at(exif)
                had_metadata = _has_metadata(image, exif)
                icc = image.info.get("icc_profile")
                upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as exc:
        raise _unreadable() from exc
    finally:
        fileobj.seek(0)
    # Only the pixels travel on: a new image with no info at all, then the colour profile.
    transparency = upright.info.get("transparency")
    clean = upright.copy()
    clean.info = {}
    options = {"icc_profile": icc} if icc else {}
    out = io.BytesIO()
    if extension == ".png":
        if transparency is not None:
            options["transparency"] = transparency
        clean.save(out, "PNG", **options)
        stored, content_type = ".png", "image/png"
    else:
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=JPEG_QUALITY, **options)
        stored, content_type = ".jpg", "image/jpeg"
    return CleanImage(
        content=out.getvalue(),
        extension=stored,
        content_type=content_type,
        taken_at=taken_at,
        had_metadata=had_metadata or extension in (".heic", ".heif"),
    )
