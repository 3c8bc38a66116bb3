# The internal protocol's fields read as "IP address": renamed. The reported conduct is encrypted with its
# field's name as associated data (core.crypto), so its values are decrypted under the old name and encrypted
# again under the new one, in this migration's transaction.

from django.db import migrations

OLD_CONTEXT = "cases.case.ip_conduct"
NEW_CONTEXT = "cases.case.internal_protocol_conduct"


def _reencrypt(schema_editor, *, column: str, old: str, new: str) -> None:
    from violeta.core.crypto import decrypt, encrypt

    connection = schema_editor.connection
    table, column = connection.ops.quote_name("cases_case"), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608 (quoted names)
        rows = cursor.fetchall()
        for pk, token in rows:
            value = encrypt(decrypt(token, context=old), context=new)
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def forwards(apps, schema_editor):
    _reencrypt(schema_editor, column="internal_protocol_conduct", old=OLD_CONTEXT, new=NEW_CONTEXT)


def backwards(apps, schema_editor):
    # Run before the fields are renamed back: the column still has its new name.
    _reencrypt(schema_editor, column="internal_protocol_conduct", old=NEW_CONTEXT, new=OLD_CONTEXT)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_team_removed_event"),
    ]

    operations = [
        migrations.RenameField(
            model_name="case", old_name="ip_dependency", new_name="internal_protocol_dependency"
        ),
        migrations.RenameField(model_name="case", old_name="ip_conduct", new_name="internal_protocol_conduct"),
        migrations.RunPython(forwards, backwards),
    ]
