"""``manage.py demo_data``: demo accounts, people and case files to try Violeta (``make run`` calls it)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.cases.models import Case
from violeta.core import demo
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
            raise CommandError(
                "Los datos de demostración no se cargan en producción (VIOLETA_ENV=production)."
            )
        if demo.demo_exists():
            self.stdout.write("Los datos de demostración ya estaban cargados; no se cambió nada.")
        elif Case.objects.exists() or Person.objects.exists():
            raise CommandError(
                "La base de datos ya tiene personas o expedientes: los datos de demostración solo se "
                "cargan en una base vacía. Use otra base (DATABASE_URL o VIOLETA_VAR_DIR)."
            )
        else:
            started = time.monotonic()
            counts = demo.DemoBuilder().build()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Datos de demostración creados en {time.monotonic() - started:.1f} s: "
                    f"{counts['people']} personas ({counts['children']} niñas y niños), {counts['cases']} "
                    f"expedientes ({counts['closed']} cerrados), {counts['consultations']} atenciones."
                )
            )
        self.print_logins()

    def print_logins(self):
        rows = [("Rol", "Correo", "Contraseña"), *demo.logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        line = "  ".join("-" * width for width in widths)
        self.stdout.write("")
        self.stdout.write("Cuentas de demostración:")
        for index, row in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if index == 0:
                self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"Abra {demo.DEMO_URL}")
