"""The case plan's pages: the plan with its history, goals and services, asking for approval, the print page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.models import AREA_ROLES, Role
from violeta.accounts.permissions import staff_required
from violeta.cases import plan as plan_services
from violeta.cases import selectors
from violeta.cases.forms_plan import GoalForm, ServiceForm, SubmitForm
from violeta.cases.plan_models import PlanGoal, PlanService
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page

# Who reads the plan: the professionals of the case and the director (the front desk does not).
PLAN_READERS = AREA_ROLES | {Role.DIRECTOR}


def _plan_url(case):
    return redirect("cases:plan", folio=case.folio)


@staff_required(PLAN_READERS)
def plan_detail(request, folio):
    case = selectors.access_case(request.user, folio, detail="plan de atención")
    view = plan_services.plan_of(case, with_history=True)
    context = {
        "case": case,
        "view": view,
        "can_write": plan_services.may_write_plan(request.user, case),
        "submit_form": SubmitForm(),
    }
    return render_page(request, "cases/plan_detail.html", context)


def _save(request, form, action, done):
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return True
    return False


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def goal_edit(request, folio, goal_id=None):
    case = selectors.access_case(request.user, folio, detail="meta del plan de atención")
    goal = None
    if goal_id is not None:
        goal = PlanGoal.objects.filter(pk=goal_id, plan__case=case).select_related("area").first()
        if goal is None:
            raise Http404
    initial = (
        {"area": goal.area_id, "description": goal.description} if goal else {"area": request.user.area_id}
    )
    form = GoalForm(request.POST or None, initial=initial)
    saved = _save(
        request,
        form,
        lambda data: plan_services.plan_goal_save(case=case, by=request.user, goal=goal, **data),
        _("Goal saved."),
    )
    if saved:
        return _plan_url(case)
    return render_page(
        request, "cases/plan_form.html", {"case": case, "form": form, "goal": goal, "kind": "goal"}
    )


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def service_edit(request, folio, goal_id=None, service_id=None):
    case = selectors.access_case(request.user, folio, detail="servicio del plan de atención")
    goal = service = None
    if service_id is not None:
        service = (
            PlanService.objects.filter(pk=service_id, case=case).select_related("goal", "responsible").first()
        )
        if service is None:
            raise Http404
        goal = service.goal
    else:
        goal = PlanGoal.objects.filter(pk=goal_id, plan__case=case).first()
        if goal is None:
            raise Http404
    initial = {}
    if service is not None:
        initial = {
            k: getattr(service, k)
            for k in ("description", "responsible", "target_date", "status", "review_date")
        }
    form = ServiceForm(
        request.POST or None, initial=initial, responsible_choices=plan_services.responsible_choices(case)
    )
    saved = _save(
        request,
        form,
        lambda data: plan_services.plan_service_save(
            case=case, by=request.user, goal=goal, service=service, **data
        ),
        _("Service saved."),
    )
    if saved:
        return _plan_url(case)
    context = {"case": case, "form": form, "goal": goal, "service": service, "kind": "service"}
    return render_page(request, "cases/plan_form.html", context)


@staff_required(AREA_ROLES)
@require_POST
def plan_submit(request, folio):
    case = selectors.access_case(request.user, folio, detail="solicitud de aprobación del plan")
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        pending = plan_services.plan_submit(
            case=case, by=request.user, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if pending is None:
            messages.success(request, _("Plan approved: it needs no approval."))
        else:
            messages.success(request, _("Approval requested: the plan waits for approval."))
    return _plan_url(case)


@staff_required(PLAN_READERS)
def plan_print(request, folio):
    """A bare page to print (recorded as taking the plan out of the system)."""
    case = selectors.access_case(request.user, folio, detail="impresión del plan de atención")
    view = plan_services.plan_of(case)
    if view.plan is None:
        raise Http404
    plan_services.plan_print_record(plan=view.plan, by=request.user)
    return render_page(request, "cases/plan_print.html", {"case": case, "view": view})
