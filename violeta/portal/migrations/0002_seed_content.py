"""The public site's first content and its contact (a fresh install has a site, not an empty page)."""

from urllib.parse import quote

from django.conf import settings
from django.db import migrations


def seed(apps, schema_editor):
    from violeta.portal import markdown
    from violeta.portal.data.seed import OFFERINGS, TEXTS

    Entry = apps.get_model("portal", "Entry")
    Revision = apps.get_model("portal", "Revision")
    SiteContact = apps.get_model("portal", "SiteContact")
    fields = ("title", "summary", "body", "offers", "audience", "how_to", "is_published", "order")
    texts = [{**text, "kind": "text", "order": 100 + i} for i, text in enumerate(TEXTS)]
    for data in OFFERINGS + texts:
        values = {name: data.get(name, "") for name in fields}
        values["is_published"], values["order"] = True, data["order"]
        for name in ("body", "offers", "audience", "how_to"):
            values[f"{name}_html"] = markdown.render(values[name])
        entry, created = Entry.objects.get_or_create(slug=data["slug"], defaults={"kind": data["kind"], **values})
        if created:
            snapshot = {name: getattr(entry, name) for name in fields}
            Revision.objects.create(entry=entry, number=1, fields=snapshot, note="contenido inicial")
    address = settings.INSTITUTE["address"]
    SiteContact.objects.get_or_create(
        pk=1,
        defaults={
            "address": address,
            "map_url": "https://www.openstreetmap.org/search?query=" + quote(address),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_content")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
