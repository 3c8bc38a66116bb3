"""The program's business categories as data, and the shared cache table (used when no Redis is configured)."""

from django.core.management import call_command
from django.db import migrations

CATEGORIES = [
    ("supermercados", "Supermercados"),
    ("ropa-calzado", "Ropa y calzado"),
    ("clinicas", "Clínicas médicas"),
    ("materiales-hogar", "Materiales para mantenimiento del hogar"),
    ("restaurantes-entretenimiento", "Restaurantes y entretenimiento"),
    ("mantenimiento-vehicular", "Mantenimiento vehicular"),
    ("otros", "Otros"),
]


def add_categories(apps, schema_editor):
    MerchantCategory = apps.get_model("card", "MerchantCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        MerchantCategory.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def create_cache_table(apps, schema_editor):
    # Uses settings.CACHES: creates the database cache table when it is the backend, does nothing for Redis.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("card", "0001_initial")]

    operations = [
        migrations.RunPython(add_categories, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
