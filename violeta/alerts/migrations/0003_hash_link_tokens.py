"""Store only the SHA-256 of the tokens in the links of alert and invitation SMS (as for device tokens).

Existing tokens are hashed in place, so links already sent keep working."""

import hashlib

from django.db import migrations, models


def _hash(value: str) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()


def hash_tokens(apps, schema_editor):
    for model_name, field in (("AlertRecipient", "token"), ("EmergencyContact", "confirm_token")):
        model = apps.get_model("alerts", model_name)
        for pk, raw in model.objects.values_list("pk", field).iterator():
            model.objects.filter(pk=pk).update(**{field: _hash(raw)})


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_alert_dispatch_task_id")]

    operations = [
        migrations.AlterField(
            model_name="alertrecipient", name="token", field=models.CharField(max_length=64, unique=True)
        ),
        migrations.AlterField(
            model_name="emergencycontact",
            name="confirm_token",
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
