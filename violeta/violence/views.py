"""Thin views: every page is about one case and goes through ``access_violence_case`` (404 and audit)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.permissions import refuse_by_role, staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.violence import selectors
from violeta.violence.forms import (
    AggressorForm,
    AssessmentForm,
    ExpiringForm,
    IncidentForm,
    PriorityForm,
    ProtectionOrderForm,
    SafetyPlanForm,
    ScreeningForm,
)
from violeta.violence.permissions import ORDER_ROLES, WRITE_ROLES, can_lift_priority, can_mark_priority
from violeta.violence.selectors import EXPIRING_ROLES, VIEW_ROLES
from violeta.violence.services import incidents as incident_services
from violeta.violence.services import orders as order_services
from violeta.violence.services import risk as risk_services
from violeta.violence.services import safety_plan as plan_services
from violeta.violence.services.safety_plan import SAFETY_PLAN_FIELDS

ORDER_INTRO = gettext_lazy(
    "Administrative (public prosecutor) or judicial. It lasts up to 60 days from the grant and can be extended "
    "by up to 30; the lawyers on the case are reminded before it expires."
)
SCREENING_INTRO = gettext_lazy(
    "Ask only what is needed, in private. Any indicator flags the case file for a specialised referral and "
    "tells the coordination."
)


def _back(case):
    return redirect(reverse("cases:detail", kwargs={"folio": case.folio}) + "#violencia")


def _require_order_role(request) -> None:
    """Checked after the case (404 outside its team): orders are the legal area's work (404 too, audited)."""
    if request.user.role not in ORDER_ROLES:
        refuse_by_role(request)


def _save(request, form, call, success: str):
    """Run a service with the form's data; on a ValidationError show it on the form and return None."""
    try:
        result = call()
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None
    messages.success(request, success)
    return result


@staff_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def incident_create(request, folio):
    case = selectors.access_violence_case(request.user, folio, detail="registro de hecho")
    form = IncidentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if _save(
            request,
            form,
            lambda: incident_services.incident_record(case=case, by=request.user, **data),
            _("Violence incident recorded."),
        ):
            return _back(case)
    return render_page(
        request,
        "violence/form.html",
        {"case": case, "form": form, "title": _("Record a violence incident")},
    )


@staff_required(VIEW_ROLES)
def incident_detail(request, folio, pk):
    case = selectors.access_violence_case(request.user, folio, detail="hecho de violencia")
    incident = selectors.incident_for(request.user, case, pk)
    return render_page(request, "violence/incident_detail.html", {"case": case, "incident": incident})


@staff_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def aggressor_create(request, folio):
    case = selectors.access_violence_case(request.user, folio, detail="registro de persona agresora")
    form = AggressorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if _save(
            request,
            form,
            lambda: incident_services.aggressor_record(case=case, by=request.user, **data),
            _("Aggressor recorded."),
        ):
            return _back(case)
    return render_page(
        request,
        "violence/form.html",
        {
            "case": case,
            "form": form,
            "title": _("Record an aggressor"),
            "intro": _("As she describes him or her."),
        },
    )


@staff_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def assessment_create(request, folio):
    case = selectors.access_violence_case(request.user, folio, detail="valoración de riesgo")
    instruments = list(selectors.active_instruments())
    if not instruments:
        raise Http404
    wanted = request.POST.get("instrument") or request.GET.get("instrumento")
    instrument = next((i for i in instruments if str(i.pk) == wanted), instruments[0])
    form = AssessmentForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        assessment = _save(
            request,
            form,
            lambda: risk_services.risk_assessment_record(
                case=case,
                by=request.user,
                instrument=instrument,
                answers=form.answers(),
                final_level=form.cleaned_data["final_level"] or None,
                override_reason=form.cleaned_data["override_reason"],
                notes=form.cleaned_data["notes"],
            ),
            _("Risk assessment recorded."),
        )
        if assessment:
            chosen = form.cleaned_data["final_level"]
            if chosen and assessment.final_level != chosen:
                messages.info(
                    request,
                    _(
                        "The lower level you chose waits for approval; meanwhile the level of the score stands."
                    ),
                )
            if assessment.is_alarm:
                messages.warning(
                    request,
                    _(
                        "High risk: the case file is now a priority and the coordinators have been told. "
                        "Draw up a safety plan with her and, if she wants it, request a protection order."
                    ),
                )
            return redirect("violence:assessment_detail", folio=case.folio, pk=assessment.pk)
    context = {"case": case, "form": form, "instrument": instrument, "instruments": instruments}
    return render_page(request, "violence/assessment_form.html", context)


@staff_required(VIEW_ROLES)
def assessment_detail(request, folio, pk):
    case = selectors.access_violence_case(request.user, folio, detail="valoración de riesgo")
    assessment = selectors.assessment_for(request.user, case, pk)
    labels = {"yes": _("Yes"), "no": _("No"), "unknown": _("Unknown")}
    rows = [
        (
            item,
            labels.get(assessment.answers.get(item["code"], "unknown")),
            assessment.answers.get(item["code"]),
        )
        for item in assessment.instrument.items
    ]
    context = {"case": case, "assessment": assessment, "instrument": assessment.instrument, "rows": rows}
    return render_page(request, "violence/assessment_detail.html", context)


@staff_required(VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def safety_plan(request, folio):
    """Her safety plan: shown and edited here; the front desk never sees it."""
    case = selectors.access_violence_case(request.user, folio, detail="plan de seguridad")
    plan = selectors.safety_plan_of(request.user, case)
    can_edit = request.user.role in WRITE_ROLES and case.is_active
    initial = {name: getattr(plan, name) for name in (*SAFETY_PLAN_FIELDS, "review_on")} if plan else {}
    form = SafetyPlanForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            if _save(
                request,
                form,
                lambda: plan_services.safety_plan_save(case=case, by=request.user, **data),
                _("Safety plan saved."),
            ):
                return redirect("violence:safety_plan", folio=case.folio)
    context = {"case": case, "plan": plan, "form": form, "can_edit": can_edit}
    return render_page(request, "violence/safety_plan.html", context)


@staff_required(VIEW_ROLES)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def safety_plan_print(request, folio):
    """Printing takes the plan out of the system: a warning first, then (POST) the print view, audited."""
    case = selectors.access_violence_case(request.user, folio, detail="impresión del plan de seguridad")
    plan = selectors.safety_plan_of(request.user, case)
    if plan is None:
        raise Http404
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        plan_services.safety_plan_print_record(plan=plan, by=request.user)
        return render_page(request, "violence/safety_plan_print.html", {"case": case, "plan": plan})
    return render_page(request, "violence/safety_plan_print_confirm.html", {"case": case, "plan": plan})


@staff_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def order_create(request, folio):
    case = selectors.access_violence_case(request.user, folio, detail="orden de protección")
    _require_order_role(request)
    form = ProtectionOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if _save(
            request,
            form,
            lambda: order_services.protection_order_record(case=case, by=request.user, **data),
            _("Protection order recorded."),
        ):
            return _back(case)
    return render_page(
        request,
        "violence/form.html",
        {"case": case, "form": form, "title": _("Record a protection order"), "intro": ORDER_INTRO},
    )


@staff_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def order_edit(request, folio, pk):
    case = selectors.access_violence_case(request.user, folio, detail="orden de protección")
    _require_order_role(request)
    order = selectors.order_for(case, pk)
    fields = ProtectionOrderForm.base_fields
    form = ProtectionOrderForm(request.POST or None, initial={name: getattr(order, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != getattr(order, k)}
        if _save(
            request,
            form,
            lambda: order_services.protection_order_update(order=order, by=request.user, **changes),
            _("Protection order updated."),
        ):
            return _back(case)
    return render_page(
        request,
        "violence/form.html",
        {"case": case, "form": form, "title": _("Update the protection order"), "intro": ORDER_INTRO},
    )


@staff_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def screening_create(request, folio):
    case = selectors.access_violence_case(request.user, folio, detail="indicadores de trata")
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        screening = _save(
            request,
            form,
            lambda: incident_services.trafficking_screening_record(case=case, by=request.user, **data),
            _("Trafficking screening recorded."),
        )
        if screening:
            if screening.flagged:
                messages.warning(
                    request, _("Trafficking indicators: refer her to a specialised institution.")
                )
            return _back(case)
    return render_page(
        request,
        "violence/form.html",
        {"case": case, "form": form, "title": _("Trafficking indicators"), "intro": SCREENING_INTRO},
    )


@staff_required(EXPIRING_ROLES)
def expiring(request):
    """Órdenes por vencer: granted orders of the user's visible cases expiring within N days."""
    form = ExpiringForm(request.GET or None)
    days = (form.cleaned_data.get("days") if form.is_valid() else None) or selectors.EXPIRING_DEFAULT_DAYS
    orders = selectors.expiring_orders(request.user, days=days)
    return render_page(request, "violence/expiring.html", {"orders": orders, "days": days, "form": form})


@staff_required(VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def priority(request, folio):
    """Mark the case as priority by judgement, or lift the priority; either needs a written reason."""
    case = selectors.access_violence_case(request.user, folio, detail="prioridad")
    lifting = case.is_priority
    allowed = (can_lift_priority if lifting else can_mark_priority)(request.user, case)
    if not allowed or not case.is_active:
        refuse_by_role(request)
    form = PriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = risk_services.case_priority_lift if lifting else risk_services.case_priority_mark
        if _save(
            request,
            form,
            lambda: service(case=case, by=request.user, reason=form.cleaned_data["reason"]),
            _("Priority lifted.") if lifting else _("The case file is now a priority."),
        ):
            return _back(case)
    context = {
        "case": case,
        "form": form,
        "lifting": lifting,
        "changes": selectors.priority_changes(request.user, case),
        "latest": selectors.latest_assessment(case),
    }
    return render_page(request, "violence/priority.html", context)
