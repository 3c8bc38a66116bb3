from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
            raise CommandError(_("Could not read %(path)s: %(error)s") % {"path": csv, "error": exc}) from exc
        added = neighborhoods.load(Neighborhood, rows)
        self.stdout.write(
            _("%(added)d new neighborhoods; %(existing)d were already there.")
            % {"added": added, "existing": len(rows) - added}
        )
