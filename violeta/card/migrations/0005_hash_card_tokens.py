"""A card's tokens are derived from its number with a keyed HMAC and only their hashes are stored.

Cards issued before keep their random tokens working (printed QRs, links already sent): their hashes move to
``legacy_*``; the derived tokens work for them too from now on (a reprint or a new link)."""

from django.db import migrations, models

from violeta.core.tokens import derived_token, token_hash


def hash_tokens(apps, schema_editor):
    Card = apps.get_model("card", "Card")
    for card in Card.objects.all().iterator():
        Card.objects.filter(pk=card.pk).update(
            legacy_verify_token_hash=token_hash(card.verify_token),
            legacy_holder_token_hash=token_hash(card.holder_token),
            verify_token_hash=token_hash(derived_token("card-verify", card.number)),
            holder_token_hash=token_hash(derived_token("card-holder", card.number)),
        )


class Migration(migrations.Migration):
    dependencies = [("card", "0004_application_accepts_sms")]

    operations = [
        migrations.AddField(
            model_name="card",
            name="legacy_verify_token_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="card",
            name="legacy_holder_token_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="card",
            name="verify_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="card",
            name="holder_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
