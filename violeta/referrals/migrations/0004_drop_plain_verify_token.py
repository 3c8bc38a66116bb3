"""The plain token goes; its hash is required and unique (a separate migration after the data migration)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_hash_verify_token")]

    operations = [
        migrations.RemoveField(model_name="referral", name="verify_token"),
        migrations.AlterField(
            model_name="referral",
            name="verify_token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
