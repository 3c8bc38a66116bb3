"""The old outbox table goes, once its rows are in messaging_message (0005) and agenda points there."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0005_outbox_to_messaging"),
        ("agenda", "0003_reminder_to_messaging"),
    ]

    operations = [
        migrations.DeleteModel(name="SmsMessage"),
    ]
