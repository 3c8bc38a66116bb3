"""Reads of the public site's content (the institute's, no personal data) and of the agenda's hours and lines."""

from datetime import datetime

from django.http import Http404
from django.utils import timezone

from violeta.agenda.hours import opening_status
from violeta.agenda.models import Holiday, OfficeHours, PhoneLine
from violeta.core.validators import format_phone
from violeta.portal.models import Entry, EntryKind, Revision, SiteContact
from violeta.portal.services import default_contact

OFFERINGS = (EntryKind.SERVICE, EntryKind.PROGRAM)


def now() -> datetime:
    """The moment the public pages speak of (a seam: tests pass a fixed time)."""
    return timezone.now()


def offerings() -> list[Entry]:
    """The published services and programs, in their order."""
    return list(Entry.objects.filter(kind__in=OFFERINGS, is_published=True))


def offering(slug: str) -> Entry:
    entry = Entry.objects.filter(kind__in=OFFERINGS, is_published=True, slug=slug).first()
    if entry is None:
        raise Http404
    return entry


def site_text(slug: str) -> Entry | None:
    """A site text by its slug, if it is published (a page shows nothing of it otherwise)."""
    return Entry.objects.filter(kind=EntryKind.TEXT, is_published=True, slug=slug).first()


def site_texts(*slugs: str) -> dict[str, Entry]:
    found = Entry.objects.filter(kind=EntryKind.TEXT, is_published=True, slug__in=slugs)
    return {entry.slug: entry for entry in found}


def contact() -> SiteContact:
    return SiteContact.objects.filter(pk=1).first() or default_contact()


def phone_lines() -> list[PhoneLine]:
    """The active lines, each with ``shown``: the number as people in Mexico write it (614 490 0789)."""
    lines = list(PhoneLine.objects.filter(is_active=True).order_by("name"))
    for line in lines:
        line.shown = format_phone(line.number)
    return lines


def reaching_us(moment: datetime | None = None) -> dict:
    """Everything the contact page shows: lines, whether it is open now, the week's hours, the next holidays."""
    moment = moment or now()
    status = opening_status(moment)
    today = timezone.localtime(moment).date()
    return {
        "lines": phone_lines(),
        "status": status,
        "status_text": status.describe(moment),
        "hours": list(OfficeHours.objects.order_by("weekday")),
        "holidays": list(Holiday.objects.filter(date__gte=today).order_by("date")[:5]),
        "contact": contact(),
    }


# --- Staff ---------------------------------------------------------------------------------------------


def entries_for_staff() -> list[Entry]:
    return list(Entry.objects.select_related("updated_by").order_by("kind", "order", "title"))


def entry_for_staff(pk: int) -> Entry:
    entry = Entry.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def history(entry: Entry) -> list[dict]:
    """The entry's revisions, newest first, each with the fields that changed from the one before it."""
    revisions = list(Revision.objects.filter(entry=entry).select_related("by").order_by("number"))
    rows, before = [], {}
    for revision in revisions:
        changed = [name for name, value in revision.fields.items() if before.get(name) != value]
        rows.append({"revision": revision, "changed": changed if before else []})
        before = revision.fields
    return rows[::-1]


def revision_of(entry: Entry, pk: int) -> Revision:
    revision = Revision.objects.filter(entry=entry, pk=pk).first()
    if revision is None:
        raise Http404
    return revision
