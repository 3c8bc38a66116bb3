"""The referral letter (oficio de canalización): HTML rendered by WeasyPrint, with a QR to verify it."""

from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from violeta.referrals.models import Referral
from violeta.referrals.services import verification_url

LOGO_CANDIDATES = ("img/logo.png", "img/logo.svg")


def letterhead_logo() -> str:
    """A file URL of the institute's logo when one is installed in static files, else empty."""
    for name in (settings.INSTITUTE.get("logo", ""), *LOGO_CANDIDATES):
        path = name and finders.find(name)
        if path:
            return Path(path).resolve().as_uri()
    return ""


def letter_context(referral: Referral) -> dict:
    url = verification_url(referral)
    return {
        "referral": referral,
        "institute": settings.INSTITUTE,
        "logo": letterhead_logo(),
        "date": timezone.localtime(referral.sent_at or timezone.now()),
        "verify_url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=3),
    }


def letter_html(referral: Referral) -> str:
    return render_to_string("referrals/letter.html", letter_context(referral))


def letter_pdf(referral: Referral) -> bytes:
    from weasyprint import HTML

    return HTML(string=letter_html(referral), base_url=str(settings.BASE_DIR)).write_pdf()
