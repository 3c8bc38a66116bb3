"""Notices written before they carried the case they are about (issue 12): find it from the notice's link, so that
the inbox hides, from staff who may not see the case, the notices already given (e.g. a referral of an
internal-protocol case answered after her team lost sight of it)."""

from django.db import migrations
from django.urls import Resolver404, resolve

# URL names whose ``pk`` names an object of a case (model label, and the path from it to the case id)
BY_PK = {
    "agenda:appointment_detail": ("agenda", "Appointment", "case_id"),
    "legal:matter_detail": ("legal", "LegalMatter", "case_id"),
    "legal:hearing_outcome": ("legal", "Hearing", "matter__case_id"),
}


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Case = apps.get_model("cases", "Case")
    Referral = apps.get_model("referrals", "Referral")
    for notice in Notification.objects.filter(case_id__isnull=True).exclude(url="").iterator():
        try:
            match = resolve(notice.url.split("?")[0])
        except Resolver404:
            continue
        case_id = None
        folio = match.kwargs.get("folio")
        if folio and match.view_name.startswith("referrals:") and match.view_name != "referrals:case_list":
            case_id = Referral.objects.filter(folio=folio).values_list("case_id", flat=True).first()
        elif folio:
            case_id = Case.objects.filter(folio=folio).values_list("pk", flat=True).first()
        elif match.view_name in BY_PK and "pk" in match.kwargs:
            app, model, path = BY_PK[match.view_name]
            rows = apps.get_model(app, model).objects.filter(pk=match.kwargs["pk"])
            case_id = rows.values_list(path, flat=True).first()
        if case_id is not None:
            Notification.objects.filter(pk=notice.pk).update(case_id=case_id)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_drop_plain_verify_token"),
        ("notifications", "0002_notice_case_id"),
        ("cases", "0005_team_removed_event"),
        ("agenda", "0002_office_hours_lines_holidays"),
        ("legal", "0002_hearing_duration"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
