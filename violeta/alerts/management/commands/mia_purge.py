from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from violeta.alerts.services.retention import locations_purge


class Command(BaseCommand):
    help = "Deletes the locations of MIA alerts whose retention period has ended (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        deleted = locations_purge()
        self.stdout.write(_("%(n)d locations deleted.") % {"n": deleted})
