from django.core.management.base import BaseCommand

from violeta.referrals.services import referrals_overdue_notify


class Command(BaseCommand):
    help = "Tell case teams about referrals without an answer in time (run daily from cron; idempotent)."

    def handle(self, *args, **options):
        count = referrals_overdue_notify()
        self.stdout.write(f"{count} overdue referrals notified")
