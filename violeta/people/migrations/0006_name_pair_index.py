import django.db.models.deletion
from django.db import migrations, models

from violeta.people.name_index import insert_pairs


def backfill(apps, schema_editor):
    """Derive the pairs of everyone already indexed by word, 20,000 ids at a time (one range scan each)."""
    Person = apps.get_model("people", "Person")
    PersonNameWord = apps.get_model("people", "PersonNameWord")
    PersonNamePair = apps.get_model("people", "PersonNamePair")
    last = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for start in range(1, last + 1, 20000):
        insert_pairs(PersonNameWord, PersonNamePair, Person, range(start, min(start + 20000, last + 1)))


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
                ("words", models.PositiveSmallIntegerField()),
                ("least_loss", models.PositiveSmallIntegerField()),
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
