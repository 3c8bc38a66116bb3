from django.db import migrations

AREAS = [
    ("juridica", "Jurídica"),
    ("psicologia", "Psicológica"),
    ("trabajo-social", "Trabajo social"),
]


def create(apps, schema_editor):
    Area = apps.get_model("accounts", "Area")
    for code, name in AREAS:
        Area.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
