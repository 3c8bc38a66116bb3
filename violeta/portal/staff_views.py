"""Staff's pages for the public site (``/sitio-publico/``): the director and the coordinators edit its texts,
services and contact, with a preview, a history and a restore. Phone lines and hours are the agenda's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.models import Role
from violeta.accounts.permissions import staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.portal import selectors, services
from violeta.portal.forms import ContactForm, EntryForm, NewEntryForm
from violeta.portal.models import MARKDOWN_FIELDS

EDITORS = frozenset({Role.DIRECTOR, Role.COORDINATOR})


@staff_required(EDITORS)
def entries(request):
    return render_page(request, "portal/staff/entries.html", {"entries": selectors.entries_for_staff()})


@staff_required(EDITORS)
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk):
    entry = selectors.entry_for_staff(pk)
    form = EntryForm(request.POST or None, entry=entry)
    preview = None
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if "preview" in request.POST:
            preview = services.preview(fields)
        else:
            for name in MARKDOWN_FIELDS:
                fields.setdefault(name, getattr(entry, name))
            services.entry_save(by=request.user, entry=entry, **fields)
            messages.success(request, _("Saved. The public site shows it now."))
            return redirect("portal:staff_entries")
    context = {"entry": entry, "form": form, "preview": preview}
    return render_page(request, "portal/staff/entry_edit.html", context)


@staff_required(EDITORS)
@require_http_methods(["GET", "POST"])
def entry_create(request):
    form = NewEntryForm(request.POST or None, initial={"is_published": False, "order": 100})
    preview = None
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if "preview" in request.POST:
            preview = services.preview(fields)
        else:
            try:
                entry = services.entry_save(by=request.user, **fields)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved. The public site shows it now."))
                return redirect("portal:staff_entry_edit", pk=entry.pk)
    return render_page(
        request, "portal/staff/entry_edit.html", {"entry": None, "form": form, "preview": preview}
    )


@staff_required(EDITORS)
def entry_history(request, pk):
    entry = selectors.entry_for_staff(pk)
    labels = {name: field.label for name, field in EntryForm.base_fields.items()}
    rows = [
        {
            **row,
            "changed_labels": [str(labels.get(name, name)) for name in row["changed"]],
            "values": [(labels.get(name, name), value) for name, value in row["revision"].fields.items()],
        }
        for row in selectors.history(entry)
    ]
    return render_page(request, "portal/staff/entry_history.html", {"entry": entry, "rows": rows})


@staff_required(EDITORS)
@require_POST
def entry_restore(request, pk, revision):
    entry = selectors.entry_for_staff(pk)
    old = selectors.revision_of(entry, revision)
    services.entry_restore(by=request.user, entry=entry, revision=old)
    messages.success(request, _("Version %(number)s restored as a new version.") % {"number": old.number})
    return redirect("portal:staff_entry_history", pk=entry.pk)


@staff_required(EDITORS)
@require_http_methods(["GET", "POST"])
def contact(request):
    form = ContactForm(request.POST or None, contact=selectors.contact())
    if request.method == "POST" and form.is_valid():
        services.contact_save(by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved. The public site shows it now."))
        return redirect("portal:staff_entries")
    return render_page(request, "portal/staff/contact.html", {"form": form})
