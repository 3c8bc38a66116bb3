"""The card as images and paper: the QR (segno) and the printable PDF (WeasyPrint), credit-card size."""

import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from violeta.card.models import Card


def verify_url(card: Card) -> str:
    """All the QR holds: a link to the merchants' validation page with the card's random token."""
    return settings.SITE_URL.rstrip("/") + reverse("card:validate_token", kwargs={"token": card.verify_token})


def holder_url(card: Card) -> str:
    """Her digital card: the unguessable link the office gives her (or texts her)."""
    return settings.SITE_URL.rstrip("/") + reverse("card:holder_card", kwargs={"token": card.holder_token})


def qr_svg(card: Card) -> str:
    """The QR as inline SVG markup (no external request, allowed by the CSP)."""
    buffer = io.BytesIO()
    segno.make(verify_url(card), error="m").save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, omitsize=True
    )
    return buffer.getvalue().decode()


def qr_data_uri(card: Card) -> str:
    return segno.make(verify_url(card), error="m").svg_data_uri(scale=4, border=2)


def card_pdf(card: Card) -> bytes:
    """Front (name, number, validity) and back (QR, how to use it), 85.6 × 54 mm each, one per page."""
    from weasyprint import HTML

    html = render_to_string(
        "card/card_pdf.html",
        {
            "card": card,
            "application": card.application,
            "qr": qr_data_uri(card),
            "INSTITUTE": settings.INSTITUTE,
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
