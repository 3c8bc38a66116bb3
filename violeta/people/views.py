"""People's pages: search, her record, safe contact, consents; and the public privacy notices.

Her record lists the case files the viewer may see of hers through ``people.visibility`` (the cases app's rule,
registered from above: people does not import cases).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.people import flags, selectors, services, visibility
from violeta.people.forms import PersonForm, SafeContactForm, SearchForm
from violeta.people.privacy_notice import current_notice
from violeta.people.services import PERSON_FIELDS


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def person_search(request):
    # A name, CURP or phone must never reach a URL (browser history, proxy and server logs): the search is POSTed,
    # and a query string is ignored.
    form = SearchForm(request.POST if request.method == "POST" else None)
    results = selectors.person_search(request.user, form.cleaned_data["q"]) if form.is_valid() else []
    flags.annotate(request.user, results)
    context = {"form": form, "results": results, "searched": bool(request.POST.get("q"))}
    return render_page(request, "people/search.html", context, partial="results")


@staff_required(CASE_ROLES)
def person_detail(request, pk):
    person = selectors.access_person(request.user, pk)
    cases = visibility.cases_of(request.user, person)
    flags.annotate(request.user, [person])
    context = {
        "person": person,
        "safe_contact": getattr(person, "safe_contact", None),
        "consents": person.consents.select_related("recorded_by", "witness"),
        "cases": cases,
    }
    return render_page(request, "people/person_detail.html", context)


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = selectors.access_person(request.user, pk, detail="edición")
    initial = {f: getattr(person, f) for f in PERSON_FIELDS}
    form = PersonForm(request.POST or None, initial=initial, prefix="p")
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Details updated."))
            return redirect("people:detail", pk=person.pk)
    return render_page(
        request,
        "people/person_subform.html",
        {"person": person, "form": form, "title": _("Edit person's details")},
    )


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def safe_contact_edit(request, pk):
    person = selectors.access_person(request.user, pk, detail="contacto seguro")
    prefs = person.safe_contact
    initial = {f: getattr(prefs, f) for f in services.SAFE_CONTACT_FIELDS}
    form = SafeContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.safe_contact_set(person=person, by=request.user, **form.cleaned_data)
        messages.success(request, _("Safe contact preferences saved."))
        return redirect("people:detail", pk=person.pk)
    return render_page(
        request, "people/person_subform.html", {"person": person, "form": form, "title": _("Safe contact")}
    )


# --- The privacy notices: public on purpose (the law asks that anyone can read them) -------------------------


@login_not_required
@require_http_methods(["GET", "HEAD"])
def privacy_notice_integral(request):
    return render_page(request, "people/privacy_notice.html", {"notice": current_notice(), "integral": True})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def privacy_notice_simplified(request):
    return render_page(request, "people/privacy_notice.html", {"notice": current_notice(), "integral": False})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def privacy_notice_simplified_print(request):
    """The simplified notice alone on a page, to print for the desk or for her if she asks for a copy."""
    return render_page(request, "people/privacy_notice_print.html", {"notice": current_notice()})
