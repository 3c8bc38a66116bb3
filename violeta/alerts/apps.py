from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "violeta.alerts"
    verbose_name = _("MIA alerts")

    def ready(self):
        from violeta.alerts.services.escalation import escalation_sweep
        from violeta.alerts.services.timer import timer_sweep
        from violeta.core import periodic

        # The safety net of every alert: raised in the console when nobody answered. Also run by
        # messaging_check (cron) when the sender is not running.
        periodic.register("alerts.escalation", 1, escalation_sweep, safety_net=True)
        from violeta.alerts.services.practice import alert_tests_expire

        # A test alert she forgot ends by itself after a few minutes (docs/mia.md, "Test alerts").
        periodic.register("alerts.test_expiry", 15, alert_tests_expire)

        from violeta.alerts.services.voice import voice_outcome_record, voice_sweep
        from violeta.messaging.models import Message
        from violeta.messaging.signals import message_status_changed

        # A voice call to her principal contact when nobody acknowledged (MIA["VOICE_ENABLED"]); its outcome on
        # the alert's timeline.
        periodic.register("alerts.voice", 1, voice_sweep, safety_net=True)
        message_status_changed.connect(
            voice_outcome_record, sender=Message, dispatch_uid="alerts.voice_outcome"
        )

        from violeta.alerts.services.dispatch import dispatch_auto_sweep

        # The automatic hand-off to 9-1-1 (MIA["DISPATCH_AUTO"]), never in the alert's hot path.
        periodic.register("alerts.dispatch_auto", 1, dispatch_auto_sweep, safety_net=True)
        # "Acompáñame": the server owns a trip timer's deadline; the alert is raised when it runs out.
        periodic.register("alerts.timers", 1, timer_sweep, safety_net=True)

        from django.db.models.signals import post_delete

        from violeta.alerts.models import AlertMessage, TimerFollower

        post_delete.connect(_delete_message, sender=AlertMessage, dispatch_uid="alerts.delete_message")
        post_delete.connect(_delete_message, sender=TimerFollower, dispatch_uid="alerts.delete_timer_message")

        from violeta.alerts.services.fallback import fallback_link
        from violeta.messaging.fallback import fallback_queued

        # The SMS that replaces a WhatsApp message not delivered in time: linked to its alert, on its timeline.
        fallback_queued.connect(fallback_link, dispatch_uid="alerts.fallback_link")


def _delete_message(sender, instance, **kwargs):
    """An alert's messages go with it (as when they were its rows): deleting an alert, or her data, deletes
    the outbox rows that carried her name and links. So does a trip timer's follower with her message."""
    from violeta.messaging.models import Message

    Message.objects.filter(pk=instance.message_id).delete()
