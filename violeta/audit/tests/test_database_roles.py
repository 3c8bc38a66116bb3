"""On PostgreSQL the application connects as a role that does not own the audit log: it can read and append,
and nothing else — no UPDATE, DELETE or TRUNCATE, and no ALTER TABLE to disable the triggers.

The suite runs as the owner (it creates and migrates the test database); these tests make an application role
the way docs/deployment.md does, or use the one CI made (VIOLETA_TEST_APP_ROLE / VIOLETA_TEST_APP_PASSWORD).
"""

import os
import secrets
import threading
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from violeta.accounts.models import User
from violeta.audit import chain
from violeta.audit.models import Action, AuditEvent
from violeta.audit.roles import grant_app_role
from violeta.audit.services import audit_record

pytestmark = pytest.mark.skipif(not settings.USING_POSTGRES, reason="database roles are PostgreSQL's")

CREDENTIALS = ("USER", "PASSWORD")


@pytest.fixture
def app_role(django_db_blocker):
    """(name, password) of a login role that owns nothing; granted the application's rights by the tests."""
    given = os.environ.get("VIOLETA_TEST_APP_ROLE")
    name = given or f"violeta_test_app_{secrets.token_hex(4)}"
    password = os.environ.get("VIOLETA_TEST_APP_PASSWORD", "") if given else secrets.token_hex(16)
    with django_db_blocker.unblock():
        if not given:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")  # hex only
        yield name, password
        if not given:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP OWNED BY {name}")
                cursor.execute(f"DROP ROLE {name}")


@contextmanager
def connected_as(name, password):
    """Django's own connection, reopened with the application role's credentials."""
    saved = {key: connection.settings_dict[key] for key in CREDENTIALS}
    connection.close()
    connection.settings_dict.update({"USER": name, "PASSWORD": password})
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def refused(cursor, statement: str) -> str:
    with pytest.raises(DatabaseError) as exc, transaction.atomic():
        cursor.execute(statement)
    return str(exc.value)


@pytest.mark.django_db(transaction=True)
def test_the_application_role_can_append_but_cannot_rewrite_or_unprotect_the_log(app_role, lawyer):
    name, password = app_role
    grant_app_role(connection, name)
    first = audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=1)
    with connected_as(name, password), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == name
        # What the application does: append through the chain, and change its other tables.
        second = audit_record(actor=lawyer, action=Action.EXPORT, object_type="cases.case", object_id=1)
        User.objects.filter(pk=lawyer.pk).update(full_name="Laura A.")
        # What it must not be able to do.
        table = "audit_auditevent"
        assert "permission denied" in refused(cursor, f"UPDATE {table} SET detail = 'x'")  # noqa: S608
        assert "permission denied" in refused(cursor, f"DELETE FROM {table}")  # noqa: S608
        assert "permission denied" in refused(cursor, f"TRUNCATE {table}")
        for statement in (
            f"ALTER TABLE {table} DISABLE TRIGGER audit_auditevent_append_only",
            f"ALTER TABLE {table} DISABLE TRIGGER USER",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"DROP TRIGGER audit_auditevent_append_only ON {table}",
            f"DROP TABLE {table}",
        ):
            assert "must be owner" in refused(cursor, statement), statement
        assert "permission denied" in refused(cursor, "CREATE TABLE audit_copy (id int)")
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [first.seq, second.seq]
    assert chain.walk().ok


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_even_with_the_right_and_the_switch_unless_owner(app_role, lawyer):
    name, password = app_role
    grant_app_role(connection, name)
    audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=1)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE ON audit_auditevent TO {name}")
    with connected_as(name, password), connection.cursor() as cursor:
        cursor.execute("SET violeta.audit_truncate = 'allow'")
        assert "append-only" in refused(cursor, "TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_truncate_is_refused_by_a_trigger(lawyer):
    audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the row's foreign-key check, due at commit, first
        cursor.execute("SET LOCAL violeta.audit_truncate = ''")
        assert "append-only" in refused(cursor, "TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_application_role_may_not_own_the_log():
    from django.core.exceptions import ImproperlyConfigured

    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'")
        owner = cursor.fetchone()[0]
    with pytest.raises(ImproperlyConfigured, match="owns the audit log"):
        grant_app_role(connection, owner)


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_the_application_role(app_role, settings):
    name, password = app_role
    owner = connection.settings_dict
    settings.MIGRATION_DATABASE_URL = f"postgres://{owner['USER']}:{owner['PASSWORD'] or ''}@{owner['HOST']}:{owner['PORT'] or 5432}/ignored"
    with connected_as(name, password):
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == name  # the application's credentials are back
    with connection.cursor() as cursor:
        rights = {}
        for table, right in [
            ("audit_auditevent", "SELECT"),
            ("audit_auditevent", "INSERT"),
            ("audit_auditevent", "UPDATE"),
            ("audit_auditevent", "DELETE"),
            ("audit_auditevent", "TRUNCATE"),
            ("people_person", "UPDATE"),
            ("people_person", "TRUNCATE"),
            ("django_migrations", "INSERT"),
        ]:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [name, table, right])
            rights[table, right] = cursor.fetchone()[0]
    assert rights == {
        ("audit_auditevent", "SELECT"): True,
        ("audit_auditevent", "INSERT"): True,
        ("audit_auditevent", "UPDATE"): False,
        ("audit_auditevent", "DELETE"): False,
        ("audit_auditevent", "TRUNCATE"): False,
        ("people_person", "UPDATE"): True,
        ("people_person", "TRUNCATE"): False,
        ("django_migrations", "INSERT"): False,
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(lawyer):
    """Writers released together, each appending inside its own transaction, end up in one unbroken chain."""
    writers, each = 4, 8
    start = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            start.wait()
            for i in range(each):
                with transaction.atomic():
                    audit_record(
                        actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=n * 100 + i
                    )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = chain.walk()
    assert report.ok, report.problems
    assert report.count == AuditEvent.objects.count() == writers * each
