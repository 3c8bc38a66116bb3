from django.core.management.base import BaseCommand

from violeta.agenda.services import appointment_reminders_send


class Command(BaseCommand):
    help = "Queue tomorrow's appointment reminders by SMS, only where her safe-contact preferences allow it (cron, daily)."

    def handle(self, *args, **options):
        count = appointment_reminders_send()
        self.stdout.write(f"{count} reminders queued")
