"""The application's database role on PostgreSQL: rights on every table, but it owns none of them.

Migrations run as the owner (MIGRATION_DATABASE_URL). The application's role (DATABASE_URL) gets SELECT,
INSERT, UPDATE and DELETE on the tables and USAGE on the sequences, except on the audit log, where it may only
read and append: no UPDATE, DELETE or TRUNCATE, and as it is not the owner it cannot ALTER the table to
disable the triggers either.
"""

from django.core.exceptions import ImproperlyConfigured

APPEND_ONLY_TABLES = ("audit_auditevent",)
READ_ONLY_TABLES = ("django_migrations",)


def grant_app_role(connection, role: str) -> None:
    """Give ``role`` the application's rights in the current database (run as the tables' owner; idempotent)."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(%s, tableowner, 'MEMBER') FROM pg_tables WHERE tablename = %s",
            [role, APPEND_ONLY_TABLES[0]],
        )
        row = cursor.fetchone()
        if row and row[0]:
            raise ImproperlyConfigured(
                f"The application's database role {role!r} owns the audit log (or is a member of its owner): "
                "it could disable the append-only triggers. Connect the application as another role."
            )
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row and row[0]:
            raise ImproperlyConfigured(f"The application's database role {role!r} must not be a superuser.")
        role_q = quote(role)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role_q}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role_q}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role_q}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {role_q}")
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"REVOKE ALL ON {quote(table)} FROM {role_q}")
            cursor.execute(f"GRANT SELECT, INSERT ON {quote(table)} TO {role_q}")
        for table in READ_ONLY_TABLES:
            cursor.execute(f"REVOKE ALL ON {quote(table)} FROM {role_q}")
            cursor.execute(f"GRANT SELECT ON {quote(table)} TO {role_q}")
