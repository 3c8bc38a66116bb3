"""The timeline line of a screening with trafficking indicators was written as a referral line, which everyone on
the case reads; it belongs to the violence section (issue 12): move the existing ones there."""

from django.db import migrations

TEXTS = (
    "Trafficking indicators: specialised referral needed",
    "Indicadores de trata: se requiere canalización especializada",
)


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CaseEvent.objects.filter(kind="referral", description__in=TEXTS).update(kind="violence")


class Migration(migrations.Migration):
    dependencies = [
        ("violence", "0005_safety_plan_review_on"),
        ("cases", "0005_team_removed_event"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
