from django.db import migrations

from violeta.accounts.areas import ensure_default_areas


def create(apps, schema_editor):
    ensure_default_areas(apps.get_model("accounts", "Area"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
