"""Staff's forms for the public site's content (usted): an entry and the contact."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from violeta.core.forms import BootstrapFormMixin
from violeta.portal.models import Entry, EntryKind, SiteContact

OFFERING_KINDS = (EntryKind.SERVICE, EntryKind.PROGRAM)

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italics*, lists with “- ”, links as [text](https://…) or [call](tel:…)."
)


def _markdown(label):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text=MARKDOWN_HELP
    )


class EntryForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    summary = forms.CharField(label=_("Short summary"), max_length=300, required=False)
    offers = _markdown(_("What it offers"))
    audience = _markdown(_("Who can use it"))
    how_to = _markdown(_("How to get it"))
    body = _markdown(_("Text"))
    is_published = forms.BooleanField(label=_("Published"), required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=100)

    def __init__(self, *args, entry: Entry | None = None, **kwargs):
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = entry.snapshot()
        super().__init__(*args, **kwargs)
        if entry is not None and entry.kind == "text":
            for name in ("offers", "audience", "how_to"):
                del self.fields[name]


class NewEntryForm(EntryForm):
    """A new service or program page: its address on the site and its kind, then the same fields."""

    slug = forms.SlugField(
        label=_("Address on the site"),
        max_length=60,
        help_text=_("Lowercase letters, digits and hyphens: it becomes /servicios/<address>/."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in OFFERING_KINDS])

    field_order = ["slug", "kind"]


class ContactForm(BootstrapFormMixin, forms.Form):
    address = forms.CharField(label=_("Address"), max_length=200)
    map_url = forms.URLField(
        label=_("Map link"),
        required=False,
        assume_scheme="https",
        help_text=_("An ordinary link to the place on OpenStreetMap (https://www.openstreetmap.org/…)."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    note = _markdown(_("Note"))

    def __init__(self, *args, contact: SiteContact | None = None, **kwargs):
        if contact is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "address": contact.address,
                "map_url": contact.map_url,
                "email": contact.email,
                "note": contact.note,
            }
        super().__init__(*args, **kwargs)

    def clean_map_url(self):
        url = self.cleaned_data["map_url"]
        if url and not url.startswith("https://"):
            raise ValidationError(_("Write a link that starts with https://."))
        return url
