from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import gettext as _

from violeta.core import crypto


def encrypted_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, crypto.EncryptedTextField)]


class Command(BaseCommand):
    help = "Vuelve a cifrar con la llave más nueva todo valor cifrado con una llave anterior."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Solo cuenta, no cambia nada.")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, dry_run=False, batch=500, **options):
        current = crypto.current_key_id()
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            quote = connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in fields)
            # Identifiers come from the models and are quoted by the backend; there is no user input here.
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            sql = "SELECT %s, %s FROM %s" % (pk, columns, table)  # noqa: S608, UP031
            with connection.cursor() as cursor:
                cursor.execute(sql)
                stale = [
                    row[0]
                    for row in cursor.fetchall()
                    if any(value and crypto.key_id_of(value) not in (None, current) for value in row[1:])
                ]
            total += len(stale)
            self.stdout.write(
                _("%(model)s: %(n)d with an older key") % {"model": model._meta.label, "n": len(stale)}
            )
            if dry_run:
                continue
            for start in range(0, len(stale), batch):
                with transaction.atomic():
                    for obj in model.objects.filter(pk__in=stale[start : start + batch]):
                        obj.save(update_fields=[f.name for f in fields])
        if dry_run:
            done = _("%(n)d records to re-encrypt with key %(key)s.")
        else:
            done = _("%(n)d records re-encrypted with key %(key)s.")
        self.stdout.write(self.style.SUCCESS(done % {"n": total, "key": current}))
