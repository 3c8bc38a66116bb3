"""The certificate (constancia) as a PDF drawn by WeasyPrint, with a QR to its public verification page."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from violeta.programs.models import Certificate


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "programs:certificate_verify", kwargs={"token": certificate.verify_token}
    )


def certificate_html(certificate: Certificate) -> str:
    url = verification_url(certificate)
    return render_to_string(
        "programs/certificate_pdf.html",
        {
            "certificate": certificate,
            "attendee": certificate.attendee,
            "training": certificate.attendee.training,
            "institute": settings.INSTITUTE,
            "verify_url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=3),
        },
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML

    return HTML(string=certificate_html(certificate), base_url=str(settings.BASE_DIR)).write_pdf()
