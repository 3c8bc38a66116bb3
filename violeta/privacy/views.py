"""Staff pages of data protection: ARCO requests (director and coordinators), blocked records and breaches
(director only), and the rectifications a partner institution's liaison receives."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.models import Role
from violeta.accounts.permissions import staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.people.selectors import access_person, person_search
from violeta.privacy import selectors
from violeta.privacy.forms import (
    ArcoRequestForm,
    BreachForm,
    OppositionForm,
    PersonSearchForm,
    ReasonForm,
    RectificationForm,
    ResponseForm,
)
from violeta.privacy.models import ArcoRight
from violeta.privacy.permissions import PRIVACY_ROLES
from violeta.privacy.services import arco as arco_services
from violeta.privacy.services import breaches as breach_services
from violeta.privacy.services import rectification as rectification_services

OFFICERS = PRIVACY_ROLES
DIRECTOR = {Role.DIRECTOR}
LIAISON = {Role.LIAISON}


@staff_required(OFFICERS)
def arco_list(request):
    show = request.GET.get("ver", "open")
    rows = selectors.arco_queue(request.user, show=show)
    return render_page(request, "privacy/arco_list.html", {"rows": rows, "show": show})


@staff_required(OFFICERS)
@require_http_methods(["GET", "POST"])
def arco_create(request):
    """Register a request: first find her (among the people the officer may see), then the request itself."""
    person, found, search = None, [], PersonSearchForm(request.GET or None)
    pk = request.GET.get("persona", "")
    if pk.isdigit():
        person = access_person(request.user, int(pk), detail="solicitud ARCO")
    elif search.is_valid():
        found = person_search(request.user, search.cleaned_data["q"], limit=20)
    form = ArcoRequestForm(request.POST or None)
    if request.method == "POST" and person is not None and form.is_valid():
        try:
            arco = arco_services.arco_register(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Request %(folio)s registered.") % {"folio": arco.folio})
            return redirect("privacy:arco_detail", pk=arco.pk)
    context = {"person": person, "found": found, "search": search, "form": form}
    return render_page(request, "privacy/arco_create.html", context)


@staff_required(OFFICERS)
def arco_detail(request, pk):
    arco = selectors.access_arco(request.user, pk)
    context = {
        "arco": arco,
        "is_handler": arco.handler_id == request.user.pk,
        "reason_form": ReasonForm(),
        "response_form": ResponseForm(),
        "opposition_form": OppositionForm(),
        "notices": list(arco.notices.select_related("institution")),
        "block": arco.blocks.first(),
        "rights": ArcoRight,
    }
    return render_page(request, "privacy/arco_detail.html", context)


def _act(request, pk, action):
    arco = selectors.access_arco(request.user, pk, detail="solicitud ARCO (trámite)")
    try:
        action(arco)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("privacy:arco_detail", pk=arco.pk)


@staff_required(OFFICERS)
@require_POST
def arco_start(request, pk):
    return _act(request, pk, lambda arco: arco_services.arco_start(request=arco, by=request.user))


@staff_required(OFFICERS)
@require_POST
def arco_answer(request, pk):
    response = request.POST.get("response", "")
    return _act(
        request, pk, lambda arco: arco_services.arco_answer(request=arco, by=request.user, response=response)
    )


@staff_required(OFFICERS)
@require_POST
def arco_refuse(request, pk):
    reason = request.POST.get("reason", "")
    return _act(
        request, pk, lambda arco: arco_services.arco_refuse(request=arco, by=request.user, reason=reason)
    )


@staff_required(OFFICERS)
@require_POST
def arco_extend(request, pk):
    reason = request.POST.get("reason", "")
    return _act(
        request, pk, lambda arco: arco_services.arco_extend(request=arco, by=request.user, reason=reason)
    )


@staff_required(OFFICERS)
@require_POST
def arco_block(request, pk):
    reason = request.POST.get("reason", "")
    return _act(
        request, pk, lambda arco: arco_services.arco_block(request=arco, by=request.user, reason=reason)
    )


@staff_required(OFFICERS)
@require_POST
def arco_oppose(request, pk):
    kinds = request.POST.getlist("kinds")
    return _act(
        request, pk, lambda arco: arco_services.arco_oppose(request=arco, by=request.user, kinds=kinds)
    )


@staff_required(OFFICERS)
@recent_authentication_required
@require_POST
def arco_export(request, pk):
    """Her complete export, for the handler only: sent as a download, never stored, never in a URL."""
    arco = selectors.access_arco(request.user, pk, detail="solicitud ARCO (exportación)")
    if arco.handler_id != request.user.pk:
        raise Http404
    try:
        content = arco_services.arco_export(request=arco, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("privacy:arco_detail", pk=arco.pk)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{arco.folio}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required(OFFICERS)
@require_http_methods(["GET", "POST"])
def arco_rectify(request, pk):
    arco = selectors.access_arco(request.user, pk, detail="solicitud ARCO (rectificación)")
    if arco.right != ArcoRight.RECTIFICATION or arco.person_id is None or not arco.is_open:
        raise Http404
    form = RectificationForm.for_person(arco.person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in form.changed_data}
        try:
            notices = rectification_services.arco_rectify(request=arco, by=request.user, changes=changes)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The data was corrected and passed on to %(count)d institution(s).")
                % {"count": len(notices)},
            )
            return redirect("privacy:arco_detail", pk=arco.pk)
    return render_page(request, "privacy/rectify.html", {"arco": arco, "form": form})


@staff_required(DIRECTOR)
def blocked_list(request):
    return render_page(
        request, "privacy/blocked_list.html", {"rows": selectors.blocked_records(request.user)}
    )


@staff_required(DIRECTOR)
def breach_list(request):
    return render_page(request, "privacy/breach_list.html", {"rows": selectors.breaches(request.user)})


@staff_required(DIRECTOR)
@require_http_methods(["GET", "POST"])
def breach_create(request):
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breach = breach_services.breach_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Breach %(folio)s recorded.") % {"folio": breach})
            return redirect("privacy:breach_detail", pk=breach.pk)
    return render_page(request, "privacy/breach_form.html", {"form": form, "breach": None})


@staff_required(DIRECTOR)
@require_http_methods(["GET", "POST"])
def breach_detail(request, pk):
    breach = selectors.access_breach(request.user, pk)
    initial = {name: getattr(breach, name) for name in BreachForm.base_fields}
    form = BreachForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            breach_services.breach_update(breach=breach, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("privacy:breach_detail", pk=breach.pk)
    return render_page(request, "privacy/breach_form.html", {"form": form, "breach": breach})


@staff_required(LIAISON)
def liaison_notices(request):
    rows = list(selectors.liaison_notices(request.user)[:200])
    return render_page(request, "privacy/liaison_notices.html", {"rows": rows})


@staff_required(LIAISON)
@require_http_methods(["GET", "POST"])
def liaison_notice(request, pk):
    notice = selectors.access_liaison_notice(request.user, pk)
    if request.method == "POST":
        rectification_services.rectification_acknowledge(notice=notice, by=request.user)
        messages.success(request, _("Thank you: the rectification is marked as received."))
        return redirect("privacy:liaison_notice", pk=notice.pk)
    return render_page(request, "privacy/liaison_notice.html", {"notice": notice})
