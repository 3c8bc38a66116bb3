"""Chain the events written before the chain existed, and refuse TRUNCATE on PostgreSQL.

The TRUNCATE trigger lets one session through: the table's owner (who could disable the trigger anyway) after
``SET violeta.audit_truncate = 'allow'`` — the test runner's flush between transactional tests does that (see
violeta/conftest.py). The application's role is neither the owner nor granted TRUNCATE (docs/deployment.md).
"""

from django.db import migrations

from violeta.audit import chain

PG_CREATE = """
CREATE OR REPLACE FUNCTION violeta_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('violeta.audit_truncate', true) = 'allow'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION violeta_audit_no_truncate();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS violeta_audit_no_truncate();
"""
# Adding a unique column made SQLite rebuild the table, which drops its triggers: put the UPDATE refusal back.
SQLITE_UPDATE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END;
"""


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
        seq, prev = 0, chain.GENESIS
        for event in AuditEvent.objects.filter(seq__isnull=True).order_by("at", "id").iterator():
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = chain.event_hash(chain.values_of(event), prev)
            AuditEvent.objects.filter(pk=event.pk).update(seq=seq, prev_hash=prev, hash=event.hash)
            prev = event.hash
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
            cursor.execute(PG_CREATE)
        elif vendor == "sqlite":
            cursor.execute(SQLITE_UPDATE_TRIGGER)


def unchain(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(PG_DROP)
        elif vendor == "sqlite":
            cursor.execute(SQLITE_UPDATE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_hash_chain_fields")]
    operations = [migrations.RunPython(chain_existing, unchain)]
