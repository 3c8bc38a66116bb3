"""Writes of the public site's content: every save renders and sanitises the Markdown, keeps a revision and is
audited. Content is the institute's, never personal data."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.portal import markdown
from violeta.portal.models import MARKDOWN_FIELDS, REVISION_FIELDS, Entry, Revision, SiteContact


def _apply(entry: Entry, fields: dict) -> None:
    for name, value in fields.items():
        if name not in REVISION_FIELDS:
            raise TypeError(f"unknown field {name}")
        setattr(entry, name, value)
    for name in MARKDOWN_FIELDS:
        setattr(entry, f"{name}_html", markdown.render(getattr(entry, name)))


def preview(fields: dict) -> dict:
    """The rendered HTML of each Markdown field, as it would be saved; nothing is written."""
    return {name: markdown.render(fields.get(name) or "") for name in MARKDOWN_FIELDS}


@transaction.atomic
def entry_save(
    *, by, entry: Entry | None = None, slug: str = "", kind: str = "", note: str = "", **fields
) -> Entry:
    """Create an entry (``slug`` and ``kind``) or change one; a new revision with every field either way."""
    created = entry is None
    entry = Entry(slug=slug, kind=kind) if created else Entry.objects.select_for_update().get(pk=entry.pk)
    _apply(entry, fields)
    entry.updated_at, entry.updated_by = timezone.now(), by
    entry.full_clean()
    entry.save()
    number = (entry.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    Revision.objects.create(entry=entry, number=number, fields=entry.snapshot(), by=by, note=note)
    audit_record(
        actor=by,
        action=Action.CREATE if created else Action.UPDATE,
        obj=entry,
        detail=f"sitio público: {entry.slug} v{number}",
    )
    return entry


def entry_restore(*, by, entry: Entry, revision: Revision) -> Entry:
    """Put an older version back: a new revision with its fields (the history keeps both)."""
    if revision.entry_id != entry.pk:
        raise ValueError("revision of another entry")
    fields = {name: revision.fields[name] for name in REVISION_FIELDS if name in revision.fields}
    return entry_save(by=by, entry=entry, note=f"restaurada de la versión {revision.number}", **fields)


@transaction.atomic
def contact_save(*, by, address: str, map_url: str = "", email: str = "", note: str = "") -> SiteContact:
    contact = SiteContact.objects.select_for_update().filter(pk=1).first() or SiteContact(pk=1)
    contact.address, contact.map_url, contact.email, contact.note = address, map_url, email, note
    contact.note_html = markdown.render(note)
    contact.updated_at, contact.updated_by = timezone.now(), by
    contact.full_clean()
    contact.save()
    audit_record(actor=by, action=Action.UPDATE, obj=contact, detail="sitio público: contacto")
    return contact


def default_contact() -> SiteContact:
    """The contact as settings.INSTITUTE gives it, unsaved (before anyone edits it)."""
    return SiteContact(pk=1, address=settings.INSTITUTE["address"])
