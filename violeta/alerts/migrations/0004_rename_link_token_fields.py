"""The columns hold hashes now: their names say so."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_hash_link_tokens")]

    operations = [
        migrations.RenameField(model_name="alertrecipient", old_name="token", new_name="token_hash"),
        migrations.RenameField(
            model_name="emergencycontact", old_name="confirm_token", new_name="confirm_token_hash"
        ),
    ]
