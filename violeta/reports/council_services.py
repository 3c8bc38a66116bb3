"""Writes of the council report: a new version of its narrative."""

from django.db import transaction

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.reports.council import council_report, pdf
from violeta.reports.council_narrative import check, normalise
from violeta.reports.models import CouncilNarrative


@transaction.atomic
def narrative_save(*, text: str, by) -> CouncilNarrative:
    """Save ``text`` as the next version of the council report's narrative (versions are never changed). Refuses,
    with a Spanish ``ValidationError`` and nothing saved, a text that uses anything but the figures offered."""
    text = normalise(text)
    check(text)
    # Lock the latest version so two saves at once number theirs one after the other (the very first two
    # collide on the unique version instead, and one is refused).
    latest = (
        CouncilNarrative.objects.select_for_update()
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    )
    narrative = CouncilNarrative(version=latest + 1, text=text, created_by=by)
    narrative.full_clean()
    narrative.save()
    audit_record(
        actor=by,
        action=Action.CREATE,
        obj=narrative,
        detail=f"narrativa del informe al cabildo, versión {narrative.version}",
    )
    return narrative


def council_export(*, year: int, month: int, by) -> tuple[bytes, int]:
    """The council report of ``month`` as a PDF, and the narrative version it used; the download is written to
    the audit log (which month, which narrative version). Aggregate figures only: no case is read."""
    report = council_report(year, month)
    document = pdf(report.html)
    audit_record(
        actor=by,
        action=Action.EXPORT,
        object_type="reports.council",
        object_id=f"{year}-{month:02d}",
        detail=f"informe al cabildo {year}-{month:02d}, narrativa versión {report.narrative.version}",
    )
    return document, report.narrative.version
