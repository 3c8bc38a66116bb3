from django.core.management.base import BaseCommand

from violeta.notifications.services import notifications_deliver_due


class Command(BaseCommand):
    help = "Deliver the notices and reminders that are due (a safety net for the worker; run from cron)."

    def handle(self, *args, **options):
        count = notifications_deliver_due()
        self.stdout.write(f"{count} notices delivered")
