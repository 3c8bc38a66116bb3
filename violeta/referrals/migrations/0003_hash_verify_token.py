"""A referral letter's verification token is derived from its folio with a keyed HMAC; only its hash is stored.

Letters printed before keep working: the hash of their random token moves to ``legacy_verify_token_hash``."""

from django.db import migrations, models

from violeta.core.tokens import derived_token, token_hash


def hash_tokens(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    for referral in Referral.objects.all().iterator():
        Referral.objects.filter(pk=referral.pk).update(
            legacy_verify_token_hash=token_hash(referral.verify_token),
            verify_token_hash=token_hash(derived_token("referral-verify", referral.folio)),
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_referral_cancelled")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="legacy_verify_token_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="referral",
            name="verify_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
