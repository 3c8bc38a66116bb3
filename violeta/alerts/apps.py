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
        # "Acompáñame": the server owns a trip timer's deadline; the alert is raised when it runs out.
        periodic.register("alerts.timers", 1, timer_sweep, safety_net=True)

        from django.db.models.signals import post_delete

        from violeta.alerts.models import AlertMessage, TimerFollower

        post_delete.connect(_delete_message, sender=AlertMessage, dispatch_uid="alerts.delete_message")
        post_delete.connect(_delete_message, sender=TimerFollower, dispatch_uid="alerts.delete_timer_message")


def _delete_message(sender, instance, **kwargs):
    """An alert's messages go with it (as when they were its rows): deleting an alert, or her data, deletes
    the outbox rows that carried her name and links. So does a trip timer's follower with her message."""
    from violeta.messaging.models import Message

    Message.objects.filter(pk=instance.message_id).delete()
