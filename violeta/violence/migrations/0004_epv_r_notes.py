"""Reload the bundled instruments: the EPV-R's notes now say what is unverified and that the Chihuahua cut-off
(21) belongs to its own 23-item version. Same code and version: weights, items and levels are unchanged."""

from django.db import migrations


def reload_bundled(apps, schema_editor):
    from violeta.violence import instruments

    model = apps.get_model("violence", "RiskInstrument")
    for path in instruments.bundled_files():
        instruments.load(model, instruments.read(path))


class Migration(migrations.Migration):
    dependencies = [("violence", "0003_priority_changes")]

    operations = [migrations.RunPython(reload_bundled, migrations.RunPython.noop)]
