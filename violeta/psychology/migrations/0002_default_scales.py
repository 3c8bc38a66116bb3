"""PHQ-9 and GAD-7 as data (violeta/psychology/scales.py)."""

from django.db import migrations

from violeta.psychology.scales import ensure_default_scales


def load(apps, schema_editor):
    ensure_default_scales(apps.get_model("psychology", "Scale"), apps.get_model("psychology", "ScaleBand"))


class Migration(migrations.Migration):
    dependencies = [("psychology", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
