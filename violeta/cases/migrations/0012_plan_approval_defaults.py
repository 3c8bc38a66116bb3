"""The default approval rules (issue 20): the case plan and closings by the area's coordinator (or the director),
a risk level lowered below the score by the coordinator. The director changes them on her page."""

from django.db import migrations

DEFAULTS = {
    "case_plan": "coordinator",
    "case_closure": "coordinator",
    # The director may make it hers ("Aprobaciones" page); by default the legal coordinator who follows the
    # case decides, as the story has it.
    "priority_closure": "coordinator",
    "risk_override": "coordinator",
}


def seed(apps, schema_editor):
    ApprovalRule = apps.get_model("cases", "ApprovalRule")
    for step, approver in DEFAULTS.items():
        ApprovalRule.objects.get_or_create(step=step, defaults={"approver": approver})


def unseed(apps, schema_editor):
    apps.get_model("cases", "ApprovalRule").objects.filter(step__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_plan_approvals")]
    operations = [migrations.RunPython(seed, unseed)]
