"""Psychological care pages under a case. Every view goes through access_psychology: others on the case get 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.models import AREA_ROLES, Role
from violeta.accounts.permissions import CASE_ROLES, refuse_by_role, staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.psychology import selectors, services
from violeta.psychology.forms import (
    DischargeForm,
    GoalAddForm,
    GoalStatusForm,
    PlanForm,
    PlanUpdateForm,
    ScaleForm,
    SessionForm,
)
from violeta.psychology.models import GoalStatus


def _back(case):
    return redirect("psychology:plan", folio=case.folio)


@staff_required({Role.PSYCHOLOGY, Role.COORDINATOR})
def my_plans(request):
    """Mis planes: the women in treatment with her, the longest without a session first."""
    if not selectors.is_psychology_staff(request.user):
        refuse_by_role(request)
    page = selectors.plans_for_user(request.user, page=request.GET.get("page"))
    return render_page(request, "psychology/my_plans.html", {"page": page})


@staff_required(CASE_ROLES)
def plan_detail(request, folio):
    case = selectors.access_psychology(request.user, folio, detail="atención psicológica")
    page = selectors.psychology_page(case)
    context = {
        "case": case,
        "page": page,
        "can_write": selectors.can_write_psychology(request.user, case) and case.is_active,
        # A case closed with its plan in treatment: the discharge is still to be recorded (and may be).
        "pending_discharge": page.plan is not None and not case.is_active,
        "can_discharge": page.plan is not None and selectors.can_write_psychology(request.user, case),
        "goal_form": GoalAddForm(),
        "goal_statuses": GoalStatus.choices,
        "scales": list(selectors.active_scales()),
    }
    return render_page(request, "psychology/plan.html", context)


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def plan_create(request, folio):
    case = selectors.access_psychology(request.user, folio, detail="plan de tratamiento", write=True)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_create(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Treatment plan started."))
            return _back(case)
    return render_page(
        request, "psychology/form.html", {"case": case, "form": form, "title": _("New treatment plan")}
    )


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def plan_update(request, folio):
    case = selectors.access_psychology(request.user, folio, detail="plan de tratamiento", write=True)
    plan = selectors.active_plan(case)
    initial = {"focus": plan.focus, "approach": plan.approach, "frequency": plan.frequency} if plan else None
    form = PlanUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and plan is not None and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Treatment plan updated."))
            return _back(case)
    context = {"case": case, "form": form if plan else None, "title": _("Edit treatment plan")}
    return render_page(request, "psychology/form.html", context)


@staff_required(AREA_ROLES)
@require_POST
def goal_add(request, folio):
    case = selectors.access_psychology(request.user, folio, detail="objetivos", write=True)
    plan = selectors.active_plan(case)
    form = GoalAddForm(request.POST)
    if plan is None:
        messages.error(request, _("There is no treatment plan in progress."))
    elif not form.is_valid():
        messages.error(request, _("Write the goal (up to 500 characters)."))
    else:
        try:
            services.goal_add(plan=plan, by=request.user, description=form.cleaned_data["description"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Goal added."))
    return _back(case)


@staff_required(AREA_ROLES)
@require_POST
def goal_status(request, folio):
    case = selectors.access_psychology(request.user, folio, detail="objetivos", write=True)
    plan = selectors.active_plan(case)
    form = GoalStatusForm(request.POST)
    goal = None
    if plan is not None and form.is_valid():
        goal = plan.goals.filter(pk=form.cleaned_data["goal"]).first()
    if goal is None:
        messages.error(request, _("Choose a goal of the plan in progress and its new status."))
    else:
        try:
            services.goal_status_set(goal=goal, by=request.user, status=form.cleaned_data["status"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Goal updated."))
    return _back(case)


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def session_create(request, folio):
    case = selectors.access_psychology(request.user, folio, detail="sesión", write=True)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_record(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Session recorded."))
            return _back(case)
    return render_page(
        request, "psychology/form.html", {"case": case, "form": form, "title": _("Record session")}
    )


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def scale_apply(request, folio):
    case = selectors.access_psychology(request.user, folio, detail="escalas", write=True)
    scales = list(selectors.active_scales())
    code = request.POST.get("scale") or request.GET.get("escala", "")
    scale = next((s for s in scales if s.code == code), None)
    form = ScaleForm(request.POST or None, scale=scale) if scale else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            result = services.scale_apply(
                case=case,
                by=request.user,
                scale=scale,
                answers=form.answers(),
                applied_on=form.cleaned_data["applied_on"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Scale recorded: %(score)s points (%(band)s).")
                % {"score": result.score, "band": result.band},
            )
            return _back(case)
    elif request.method == "POST" and scale is None:
        messages.error(request, _("Choose a scale."))
    context = {"case": case, "form": form, "scale": scale, "scales": scales}
    return render_page(request, "psychology/scale_form.html", context)


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def discharge(request, folio):
    case = selectors.access_psychology(request.user, folio, detail="alta psicológica", write=True)
    plan = selectors.active_plan(case)
    form = DischargeForm(request.POST or None)
    if request.method == "POST" and plan is not None and form.is_valid():
        try:
            services.plan_discharge(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Discharge recorded; the treatment plan is closed."))
            return _back(case)
    context = {"case": case, "form": form if plan else None, "title": _("Psychological discharge")}
    return render_page(request, "psychology/form.html", context)
