"""``manage.py privacy_retention [--dry-run]``: apply the retention rules (for cron); safe to run again."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from violeta.privacy.services.retention import RETENTION_KINDS, retention_run


class Command(BaseCommand):
    help = "Borra los datos cuyo plazo de conservación terminó (settings.PRIVACY['RETENTION'])."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Solo cuenta lo que se borraría.")

    def handle(self, *args, dry_run=False, **options):
        counts = retention_run(dry_run=dry_run)
        title = _("Would be deleted (dry run):") if dry_run else _("Deleted:")
        self.stdout.write(title)
        for kind in RETENTION_KINDS:
            self.stdout.write(f"  {kind}: {counts[kind]}")
