from django.db import migrations

from violeta.people.neighborhoods import with_accents


def restore_accents(apps, schema_editor):
    """Colonias loaded from the extract that lost its accents get them back (a reviewed word list)."""
    Neighborhood = apps.get_model("people", "Neighborhood")
    changed = []
    for neighborhood in Neighborhood.objects.all().only("id", "name"):
        name = with_accents(neighborhood.name)
        if name != neighborhood.name:
            neighborhood.name = name
            changed.append(neighborhood)
    Neighborhood.objects.bulk_update(changed, ["name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_name_pair_index")]
    operations = [migrations.RunPython(restore_accents, migrations.RunPython.noop)]
