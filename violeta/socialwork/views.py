"""Social-work pages under a case: the team reads them (notes hidden); social work on the team writes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.models import AREA_ROLES, Role
from violeta.accounts.permissions import CASE_ROLES, refuse_by_role, staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.socialwork import selectors, services
from violeta.socialwork.forms import ApplicationForm, AssessmentForm, OrientationForm, OutcomeForm


def _back(case):
    return redirect("socialwork:case", folio=case.folio)


@staff_required({Role.SOCIAL_WORK, Role.COORDINATOR})
def open_applications(request):
    """Applications waiting for an answer on her cases, the oldest submission first."""
    if not selectors.is_social_work_staff(request.user):
        refuse_by_role(request)  # other areas' coordinators
    page = selectors.open_applications_for_user(request.user, page=request.GET.get("page"))
    return render_page(request, "socialwork/open_applications.html", {"page": page})


@staff_required(CASE_ROLES)
def case_page(request, folio):
    case = selectors.access_socialwork(request.user, folio, detail="trabajo social")
    notes = selectors.socialwork_notes_shown(request.user, case)
    context = {
        "case": case,
        "page": selectors.socialwork_page(case),
        "can_write": selectors.can_write_socialwork(request.user, case) and case.is_active,
        "can_read_notes": notes,
        "outcome_form": OutcomeForm(),
    }
    return render_page(request, "socialwork/case.html", context)


def _form_view(request, folio, *, form_class, title, detail, save):
    case = selectors.access_socialwork(request.user, folio, detail=detail, write=True)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(case, form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _back(case)
    return render_page(request, "socialwork/form.html", {"case": case, "form": form, "title": title})


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def assessment_create(request, folio):
    def save(case, form):
        services.assessment_record(
            case=case, by=request.user, assessed_on=form.cleaned_data["assessed_on"], items=form.items()
        )

    return _form_view(
        request, folio, form_class=AssessmentForm, title=_("Needs assessment"), detail="valoración", save=save
    )


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def application_create(request, folio):
    def save(case, form):
        services.application_create(case=case, by=request.user, **form.cleaned_data)

    return _form_view(
        request, folio, form_class=ApplicationForm, title=_("New application"), detail="solicitud", save=save
    )


@staff_required(AREA_ROLES)
@require_POST
def application_outcome(request, folio):
    case = selectors.access_socialwork(request.user, folio, detail="solicitud", write=True)
    form = OutcomeForm(request.POST)
    application = None
    if form.is_valid():
        application = case.social_applications.filter(pk=form.cleaned_data["application"]).first()
    if application is None:
        messages.error(request, _("Choose an application of this case file and its new status."))
        return _back(case)
    data = {k: v for k, v in form.cleaned_data.items() if k != "application"}
    try:
        services.application_outcome(application=application, by=request.user, **data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Application updated."))
    return _back(case)


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def orientation_create(request, folio):
    def save(case, form):
        services.orientation_record(case=case, by=request.user, **form.cleaned_data)

    return _form_view(
        request,
        folio,
        form_class=OrientationForm,
        title=_("Orientation given"),
        detail="orientación",
        save=save,
    )
