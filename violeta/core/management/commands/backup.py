"""`manage.py backup [--output FILE]`: the database, the uploaded files and a checksum manifest in one .tar.

Run it from cron or a systemd timer (docs/deployment.md, "Backups"). The keys are never in the archive.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from violeta.core import backup


class Command(BaseCommand):
    help = "Respalda la base de datos y los archivos subidos en un solo archivo .tar con su manifiesto."

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            default=None,
            help="Archivo .tar a escribir (por omisión VAR_DIR/backups/violeta-AAAAMMDD-HHMMSS.tar).",
        )

    def handle(self, *args, output=None, **options):
        try:
            result = backup.backup(output=output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(path)s (%(size)s MB): %(tables)d tables, %(rows)d rows, %(files)d files."
                )
                % {
                    "path": result.path,
                    "size": round(result.size / 1024 / 1024, 1),
                    "tables": len(result.tables),
                    "rows": sum(result.tables.values()),
                    "files": result.files,
                }
            )
        )
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Reminder: this backup does NOT contain the keys (VIOLETA_ENCRYPTION_KEYS, SECRET_KEY, "
                    "VIOLETA_TOKEN_KEY). Without them its encrypted data cannot be read: keep them backed up "
                    "separately, in another place."
                )
            )
        )
