from django.db import migrations

from violeta.people import neighborhoods

# Names are normalised once, in Python, into people_person.name_normalized (accents, case and abbreviations
# removed), so both databases compare the same text; unaccent() is not needed on top of that, and an index on
# unaccent(...) would need an IMMUTABLE wrapper. pg_trgm's GIN index serves the typo-tolerant lookup.
PG_UP = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS person_name_trgm ON people_person USING gin (name_normalized gin_trgm_ops);
"""
PG_DOWN = "DROP INDEX IF EXISTS person_name_trgm;"


def search_up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def search_down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


def load_neighborhoods(apps, schema_editor):
    # The municipality's colonias from the bundled SEPOMEX extract; other cities: manage.py load_neighborhoods.
    neighborhoods.load(apps.get_model("people", "Neighborhood"), neighborhoods.read_csv())


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [
        migrations.RunPython(search_up, search_down),
        migrations.RunPython(load_neighborhoods, migrations.RunPython.noop),
    ]
