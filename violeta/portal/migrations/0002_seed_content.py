"""The public site's first content and its contact (a fresh install has a site, not an empty page)."""

from django.conf import settings
from django.db import migrations


def seed(apps, schema_editor):
    from violeta.portal.data.seed import load

    load(
        apps.get_model("portal", "Entry"),
        apps.get_model("portal", "Revision"),
        apps.get_model("portal", "SiteContact"),
        address=settings.INSTITUTE["address"],
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_content")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
