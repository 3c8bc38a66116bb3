"""The Content-Security-Policy allows styles from Violeta's own files only (style-src 'self'): a ``style="…"``
attribute in a page is silently ignored by the browser. The privacy notice at intake lost its scrolling box
and the error pages their column that way (issue 16). Only the PDF templates, drawn by WeasyPrint and never
served as pages, may carry inline styles."""

from pathlib import Path

import violeta

PDF_TEMPLATES = {
    "referrals/letter.html",
    "card/card_pdf.html",
    "privacy/export_summary.html",
    "programs/certificate_pdf.html",
    "reports/council/report.html",
}


def test_no_page_template_relies_on_an_inline_style():
    root = Path(violeta.__file__).parent
    offending = []
    checked = 0
    for template in root.glob("**/templates/**/*.html"):
        name = template.as_posix().split("/templates/", 1)[1]
        if name in PDF_TEMPLATES:
            continue
        checked += 1
        text = template.read_text(encoding="utf-8")
        if 'style="' in text or "<style" in text:
            offending.append(name)
    assert checked > 100
    assert offending == []
