"""Setup: create the first director, the one person who can then approve every other role that reads
personal data. Refused once an active director exists: from then on a director comes only through a role
request approved by another director (accounts.services.grant_request / grant_approve)."""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from violeta.accounts.models import Role, User
from violeta.accounts.services import staff_create_direct


class Command(BaseCommand):
    help = "Create the first director's account (only when no active director exists)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", dest="full_name", required=True)
        parser.add_argument(
            "--password", help="Initial password; asked for interactively when omitted (preferred)."
        )

    def handle(self, *args, email, full_name, password=None, **options):
        if User.objects.filter(role=Role.DIRECTOR, is_active=True).exists():
            raise CommandError(
                "Ya hay una directora activa: solicite el rol desde Personal y otra directora lo aprueba."
            )
        if password is None:
            password = getpass.getpass("Contraseña: ")
            if password != getpass.getpass("Contraseña (otra vez): "):
                raise CommandError("Las contraseñas no coinciden.")
        try:
            validate_password(password, User(email=email, full_name=full_name))
            user = staff_create_direct(
                by=None,
                email=email,
                full_name=full_name,
                role=Role.DIRECTOR,
                password=password,
                reason="primera directora, manage.py create_director",
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Cuenta de dirección creada: {user.email}")
