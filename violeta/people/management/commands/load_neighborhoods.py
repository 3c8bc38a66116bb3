from django.core.management.base import BaseCommand, CommandError

from violeta.people import neighborhoods
from violeta.people.models import Neighborhood


class Command(BaseCommand):
    help = "Carga las colonias de un extracto CSV de SEPOMEX (otra ciudad, o una actualización)."

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(neighborhoods.DEFAULT_CSV))

    def handle(self, *args, csv, **options):
        try:
            rows = neighborhoods.read_csv(csv)
        except (OSError, ValueError) as exc:
            raise CommandError(f"No se pudo leer {csv}: {exc}") from exc
        added = neighborhoods.load(Neighborhood, rows)
        self.stdout.write(f"{added} colonias nuevas; {len(rows) - added} ya estaban.")
