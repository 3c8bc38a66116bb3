"""The SMS outbox moves to its own app (violeta.messaging), with every row and its id.

alerts_smsmessage's rows are copied into messaging_message (same ids, same encrypted bodies) and their alert and
recipient into alerts_alertmessage; the old table is dropped by 0006, after agenda's reminders point at the new
one. Messages caught "sending" get an expired lease, so the sender's first sweep asks the provider about them.
Escalation becomes a deadline on the alert (``escalate_at``) swept by the sender, and the tasks the old outbox
left in django-tasks-db's table are deleted (their functions no longer exist).
"""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

OLD_TASKS = [
    "violeta.alerts.tasks.sms_dispatch",
    "violeta.alerts.tasks.sms_dispatch_batch",
    "violeta.alerts.tasks.sms_watchdog",
    "violeta.alerts.tasks.sms_watchdog_many",
    "violeta.alerts.tasks.sms_delivery_check",
    "violeta.alerts.tasks.alert_escalation_check",
]
COLUMNS = (
    "id, kind, to_phone, body, status, attempt, next_attempt_at, claimed_at, provider_message_id, "
    "provider_status, last_error, created_at, sent_at, delivered_at"
)


def move_rows(apps, schema_editor):
    connection = schema_editor.connection
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO messaging_message ({COLUMNS}) SELECT {COLUMNS} FROM alerts_smsmessage")
        cursor.execute(
            "UPDATE messaging_message SET lease_until = %s WHERE status = 'sending'",
            [now],
        )
        cursor.execute(
            "INSERT INTO alerts_alertmessage (message_id, alert_id, recipient_id) "
            "SELECT id, alert_id, recipient_id FROM alerts_smsmessage WHERE alert_id IS NOT NULL"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('messaging_message', 'id'), "
                "COALESCE((SELECT max(id) FROM messaging_message), 1), "
                "(SELECT count(*) > 0 FROM messaging_message))"
            )
    # Through django-tasks-db's own model (its historical state), not its table.
    apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(task_path__in=OLD_TASKS).delete()
    Alert = apps.get_model("alerts", "Alert")
    Alert.objects.filter(status="active", escalated_at__isnull=True).update(
        escalate_at=F("started_at") + timedelta(seconds=settings.MIA["ESCALATE_AFTER_SECONDS"])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_rename_link_token_fields"),
        ("messaging", "0001_outbox"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="escalate_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="AlertMessage",
            fields=[
                (
                    "message",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="alert_link",
                        serialize=False,
                        to="messaging.message",
                    ),
                ),
                (
                    "alert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="message_links",
                        to="alerts.alert",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="message_links",
                        to="alerts.alertrecipient",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="alert",
            name="messages",
            field=models.ManyToManyField(related_name="+", through="alerts.AlertMessage", to="messaging.message"),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("escalated_at__isnull", True), ("status", "active")),
                fields=["escalate_at"],
                name="alert_escalation_due",
            ),
        ),
        migrations.RunPython(move_rows, elidable=False),
        migrations.RemoveField(model_name="alert", name="dispatch_task_id"),
    ]
