from django.core.management.base import BaseCommand, CommandError

from violeta.violence import instruments
from violeta.violence.models import RiskInstrument


class Command(BaseCommand):
    help = "Load risk-assessment instruments from JSON files (the bundled ones if no path is given)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="JSON files of instruments")

    def handle(self, *args, **options):
        files = options["paths"] or instruments.bundled_files()
        try:
            loaded = [instruments.load(RiskInstrument, instruments.read(path)) for path in files]
        except instruments.InstrumentError as exc:
            raise CommandError(str(exc)) from exc
        for instrument in loaded:
            flag = "" if instrument.weights_verified else " (weights NOT verified against the source)"
            self.stdout.write(f"{instrument.code} {instrument.version}: {len(instrument.items)} items{flag}")
