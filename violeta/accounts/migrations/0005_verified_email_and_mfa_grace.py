"""Every existing account gets its e-mail as a verified primary allauth address (allauth refuses a second factor
without one), its other addresses (added by hand at /cuenta/email/, now closed) are removed, and the grace to
enrol a second factor starts now for everyone who was already there."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    grace_until = timezone.now() + timedelta(days=settings.MFA_ENROLMENT_GRACE_DAYS)
    for user in User.objects.all().iterator():
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        elif not (address.verified and address.primary):
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
        if user.mfa_grace_until is None:
            user.mfa_grace_until = grace_until
            user.save(update_fields=["mfa_grace_until"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_mfa_enrolment_and_lock"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
