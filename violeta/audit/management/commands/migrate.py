"""`migrate` as the tables' owner when MIGRATION_DATABASE_URL is set, then the application's role's rights.

DATABASE_URL names the application's role; MIGRATION_DATABASE_URL the owner's (same database). Only the
credentials and address are taken from MIGRATION_DATABASE_URL: the database name stays the connection's own, so
the test runner's test database is migrated, not the real one.
"""

import dj_database_url
from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from violeta.audit.roles import grant_app_role

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


class Command(migrate.Command):
    help = (
        migrate.Command.help + " Runs as MIGRATION_DATABASE_URL's role when set, then grants DATABASE_URL's."
    )

    def handle(self, *args, **options):
        owner_url = getattr(settings, "MIGRATION_DATABASE_URL", "")
        connection = connections[options["database"] or DEFAULT_DB_ALIAS]
        if not owner_url or connection.vendor != "postgresql" or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        owner = dj_database_url.parse(owner_url)
        app_role = connection.settings_dict["USER"]
        saved = {key: connection.settings_dict[key] for key in CREDENTIALS}
        connection.close()
        connection.settings_dict.update({key: owner[key] for key in CREDENTIALS})
        try:
            super().handle(*args, **options)
            if app_role and app_role != owner["USER"]:
                grant_app_role(connection, app_role)
                if options["verbosity"] >= 1:
                    self.stdout.write(
                        f"Granted the application's rights to {app_role} (audit log: read, append)."
                    )
        finally:
            connection.close()
            connection.settings_dict.update(saved)
