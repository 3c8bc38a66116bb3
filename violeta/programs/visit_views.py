"""Pages of IMM en tu empresa visits and of campaigns with their events (issue 17, items 4 and 7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.accounts.models import AREA_ROLES, INTAKE_ROLES
from violeta.accounts.permissions import staff_required
from violeta.cases.selectors import access_case
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.programs import visit_selectors, visits
from violeta.programs.permissions import PROGRAM_ROLES, is_program_staff
from violeta.programs.views import _form_page
from violeta.programs.visit_forms import (
    CampaignEventForm,
    CampaignForm,
    VisitConsultationForm,
    VisitForm,
)
from violeta.programs.visit_selectors import VISIT_ROLES

# --- Visits -------------------------------------------------------------------------------------------------------


@staff_required(VISIT_ROLES)
def visit_list(request):
    page = visit_selectors.visits_page(request.user, page=request.GET.get("page"))
    context = {"page": page, "program_staff": is_program_staff(request.user)}
    return render_page(request, "programs/visit_list.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def visit_create(request):
    initial = (
        {"organization": request.GET.get("organization")}
        if request.GET.get("organization", "").isdigit()
        else {}
    )
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = visits.visit_create(by=request.user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programs:visit_detail", pk=visit.pk)
    return render_page(request, "programs/visit_form.html", {"form": form})


@staff_required(VISIT_ROLES)
def visit_detail(request, pk):
    """The visit: what was offered, the women reached and how many consulted; never who."""
    visit = visit_selectors.access_visit(request.user, pk)
    context = {
        "visit": visit,
        "program_staff": is_program_staff(request.user),
        "can_record": request.user.role in AREA_ROLES,
        "can_intake": request.user.role in INTAKE_ROLES,
    }
    return render_page(request, "programs/visit_detail.html", context)


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def visit_consultation_create(request, pk):
    """A consultation given at the visit, by the folio of her case file: written in her case file."""
    visit = visit_selectors.access_visit(request.user, pk, detail="atención en visita")
    form = VisitConsultationForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        folio = data.pop("folio")
        try:
            case = access_case(request.user, folio, detail="atención en visita a empresa")
        except Http404:
            form.add_error("folio", _("There is no case file with that folio that you may see."))
        else:
            try:
                visits.visit_consultation_record(visit=visit, case=case, by=request.user, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Consultation recorded in case file %(folio)s.") % {"folio": case.folio}
                )
                return redirect("programs:visit_consultation_create", pk=visit.pk)
    context = {
        "visit": visit,
        "form": form,
        "consultations": visit_selectors.visit_consultations(request.user, visit),
        "can_intake": request.user.role in INTAKE_ROLES,
    }
    return render_page(request, "programs/visit_consultation.html", context)


# --- Campaigns ----------------------------------------------------------------------------------------------------


@staff_required(PROGRAM_ROLES)
def campaign_list(request):
    page = visit_selectors.campaigns_page(request.user, page=request.GET.get("page"))
    return render_page(request, "programs/campaign_list.html", {"page": page})


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("New campaign"),
        save=lambda data: visits.campaign_create(by=request.user, **data),
        back=lambda campaign: ("programs:campaign_detail", campaign.pk),
        cancel="programs:campaign_list",
    )


@staff_required(PROGRAM_ROLES)
def campaign_detail(request, pk):
    campaign = visit_selectors.access_campaign(request.user, pk)
    context = {"campaign": campaign, **visit_selectors.campaign_summary(campaign)}
    return render_page(request, "programs/campaign_detail.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def campaign_event_create(request, pk):
    campaign = visit_selectors.access_campaign(request.user, pk, detail="nuevo evento")
    form = CampaignEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visits.campaign_event_add(campaign=campaign, by=request.user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programs:campaign_detail", pk=campaign.pk)
    context = {"campaign": campaign, "form": form, "age_groups": visit_selectors.reach_table({}).columns}
    return render_page(request, "programs/campaign_event_form.html", context)
