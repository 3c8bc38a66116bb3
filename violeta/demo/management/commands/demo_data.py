"""``manage.py demo_data``: demo accounts, people and case files to try Violeta (``make run`` calls it).

Each app builds its part in its ``demo.py``; ``violeta.demo.loader`` calls them in order.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from violeta.cases.models import Case
from violeta.core.demo import DEMO_URL
from violeta.demo import loader
from violeta.people.models import Person


class Command(BaseCommand):
    help = (
        "Crea datos de demostración (cuentas por rol, personas y expedientes). Si ya existen no cambia nada; "
        "al final muestra las cuentas de acceso."
    )

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Solo muestra las cuentas de demostración.")

    def handle(self, *args, logins=False, **options):
        if logins:
            self.print_logins()
            return
        if settings.PRODUCTION:
            raise CommandError(_("Demo data is not loaded in production (VIOLETA_ENV=production)."))
        if loader.demo_exists():
            self.stdout.write(_("The demo data was already loaded; nothing was changed."))
        elif Case.objects.exists() or Person.objects.exists():
            raise CommandError(
                _(
                    "The database already has people or case files: demo data is only loaded into an "
                    "empty database. Use another database (DATABASE_URL or VIOLETA_VAR_DIR)."
                )
            )
        else:
            started = time.monotonic()
            write = self.stdout.write if options["verbosity"] > 1 else None
            counts = loader.load_all(write=write).counts
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo data created in %(seconds).1f s: %(people)d people (%(children)d children), "
                        "%(cases)d case files (%(closed)d closed), %(consultations)d consultations."
                    )
                    % {
                        "seconds": time.monotonic() - started,
                        "people": counts["people"],
                        "children": counts["children"],
                        "cases": counts["cases"],
                        "closed": counts["closed"],
                        "consultations": counts["consultations"],
                    }
                )
            )
        self.print_logins()

    def print_logins(self):
        rows = [(_("Role"), _("E-mail"), _("Password")), *loader.logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        line = "  ".join("-" * width for width in widths)
        self.stdout.write("")
        self.stdout.write(_("Demo accounts:"))
        for index, row in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if index == 0:
                self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s") % {"url": DEMO_URL})
