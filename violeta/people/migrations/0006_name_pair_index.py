import django.db.models.deletion
from django.db import migrations, models

from violeta.people.name_index import insert_pairs


def backfill(apps, schema_editor):
    """Derive the pairs of everyone already indexed by word, a few thousand people at a time."""
    Person = apps.get_model("people", "Person")
    PersonNameWord = apps.get_model("people", "PersonNameWord")
    PersonNamePair = apps.get_model("people", "PersonNamePair")
    last = 0
    while True:
        ids = list(Person.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True)[:900])
        if not ids:
            return
        insert_pairs(PersonNameWord, PersonNamePair, Person, ids)
        last = ids[-1]


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0005_name_word_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonNamePair",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("pair", models.BigIntegerField()),
                ("born_year", models.PositiveSmallIntegerField(null=True)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="people.person"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["pair", "born_year", "person"], name="person_name_pair_lookup")],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
