"""The plain tokens go; the hashes are required and unique (a separate migration: PostgreSQL alters no table with the data migration's updates pending)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("card", "0005_hash_card_tokens")]

    operations = [
        migrations.RemoveField(model_name="card", name="verify_token"),
        migrations.RemoveField(model_name="card", name="holder_token"),
        migrations.AlterField(
            model_name="card",
            name="verify_token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="card",
            name="holder_token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
