"""A fresh database has the bundled instruments (the EPV-R) without running a command."""

from django.db import migrations


def load_bundled(apps, schema_editor):
    from violeta.violence import instruments

    model = apps.get_model("violence", "RiskInstrument")
    for path in instruments.bundled_files():
        instruments.load(model, instruments.read(path))


class Migration(migrations.Migration):
    dependencies = [("violence", "0001_initial")]

    operations = [migrations.RunPython(load_bundled, migrations.RunPython.noop)]
