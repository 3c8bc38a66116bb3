"""`manage.py restore BACKUP [--force]`: checks the manifest, restores the database and files, compares counts.

Stop the web server, the worker and the sender first (docs/deployment.md, "Backups").
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from violeta.core import backup


class Command(BaseCommand):
    help = "Restaura un respaldo hecho con manage.py backup: base de datos y archivos, y compara los conteos."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="El archivo .tar del respaldo.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Reemplaza una base de datos que ya tiene registros y los archivos que difieran.",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            result = backup.restore(archive=archive, force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for table in sorted(result.expected):
            restored = result.tables.get(table)
            line = f"{table}: {restored} / {result.expected[table]}"
            self.stdout.write(self.style.ERROR(line) if table in result.differences else line)
        self.stdout.write(_("%(files)d files restored.") % {"files": result.files})
        if result.left_in_place:
            self.stdout.write(
                self.style.WARNING(
                    _("%(n)d stored file(s) that are not in the backup were left in place.")
                    % {"n": result.left_in_place}
                )
            )
        if result.differences:
            raise CommandError(
                _("%(n)d table(s) do not have the rows the manifest records: %(tables)s.")
                % {"n": len(result.differences), "tables": ", ".join(result.differences)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored: %(tables)d tables with the rows of the manifest (%(rows)d rows).")
                % {"tables": len(result.expected), "rows": sum(result.expected.values())}
            )
        )
        self.stdout.write(
            _(
                "Next: run manage.py migrate (applies what is newer than the backup and grants the "
                "application's database role) and start the services again. The keys "
                "(VIOLETA_ENCRYPTION_KEYS, SECRET_KEY, VIOLETA_TOKEN_KEY) must be the ones in use when the "
                "backup was made."
            )
        )
