from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.models import AREA_ROLES, INTAKE_ROLES, Role
from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.cases import selectors, services
from violeta.cases.forms import (
    BreakGlassForm,
    CaseFilterForm,
    CloseForm,
    ConsultationForm,
    IntakeCaseForm,
    PartyAddForm,
    ReopenForm,
    TeamAddForm,
)
from violeta.cases.models import ArrivalChannel, Case
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.people.forms import PersonForm, SafeContactForm
from violeta.people.selectors import (
    DUPLICATE_KEYS,
    duplicate_candidates,
    duplicate_matches,
    intake_duplicate_check,
)

PAGE_SIZE = 25
# Closing and reopening a case is for the professionals who attend it and the director, not the front desk.
CLOSE_ROLES = AREA_ROLES | {Role.DIRECTOR}


@staff_required(CASE_ROLES)
def case_list(request):
    """Mis expedientes: the cases of the user's team, priority first; filters by htmx."""
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {"scope": "mine", "status": "active", "q": ""}
    scope = filters.get("scope") or "mine"
    status = filters.get("status") if request.GET else "active"
    page = selectors.case_list_page(
        request.user,
        scope=scope,
        status=status,
        query=filters.get("q", ""),
        page=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    context = {"form": form, "page": page, "scope": scope, "status": status}
    return render_page(request, "cases/case_list.html", context, partial="results")


def _intake_forms(request, call=None):
    data = request.POST if request.method == "POST" else None
    person_initial, case_initial = {}, {}
    if call is not None:
        # From a phone call (agenda): what she said on the phone is not typed again.
        person_initial = {} if call.is_anonymous else {"given_names": call.caller_name}
        case_initial = {"arrival_channel": ArrivalChannel.PHONE, "reason": call.reason}
    return (
        PersonForm(data, prefix="p", initial=person_initial),
        SafeContactForm(data, prefix="s", initial={"phone_choice": "main"}),
        IntakeCaseForm(data, prefix="c", initial=case_initial),
    )


@transaction.atomic
def _intake_register(*, call, **kwargs):
    case = services.intake_register(**kwargs)
    if call is not None:
        from violeta.agenda.services import phone_call_link_case

        phone_call_link_case(call=call, case=case, by=kwargs["by"])
    return case


@staff_required(INTAKE_ROLES)
@require_http_methods(["GET", "POST"])
def intake(request):
    """The first interview: before a new person is created, staff see the likely existing ones.

    What they see of them is only what tells two women apart (``people.selectors.DuplicateMatch``), and every
    lookup is audited. ``?call=<id>`` opens it from a logged phone call (checked by the agenda's selector):
    prefilled, and the new case file is linked back to the call.
    """
    call = None
    if request.GET.get("call"):
        from violeta.agenda.selectors import access_call

        call = access_call(request.user, request.GET["call"], detail="entrevista desde llamada")
    person_form, safe_form, case_form = _intake_forms(request, call)
    matches = []
    if request.method == "POST" and all(f.is_valid() for f in (person_form, safe_form, case_form)):
        person_data = person_form.cleaned_data
        existing_id = case_form.cleaned_data.get("existing_person")
        typed = {k: person_data.get(k) for k in DUPLICATE_KEYS}
        candidates = duplicate_candidates(**typed)
        existing = None
        if existing_id:
            # "Es ella" only for someone the check itself offered: never an arbitrary record by its id.
            existing = next((c.person for c in candidates if c.person.pk == existing_id), None)
            if existing is None:
                raise Http404
        if existing or not candidates or case_form.cleaned_data.get("confirm_new"):
            try:
                case = _intake_register(
                    call=call,
                    by=request.user,
                    person=existing,
                    person_data=None if existing else person_data,
                    safe_contact=None if existing else safe_form.cleaned_data,
                    privacy_notice_accepted=case_form.cleaned_data["privacy_notice_accepted"],
                    privacy_notice_sha256=case_form.cleaned_data["privacy_notice_sha256"],
                    arrival_channel=case_form.cleaned_data["arrival_channel"],
                    arrival_detail=case_form.cleaned_data["arrival_detail"],
                    reason=case_form.cleaned_data["reason"],
                    team=tuple(case_form.cleaned_data["team"]),
                )
            except ValidationError as exc:
                apply_service_errors(person_form if hasattr(exc, "error_dict") else case_form, exc)
            else:
                messages.success(request, _("Case file %(folio)s opened.") % {"folio": case.folio})
                if selectors.can_view_case(request.user, case):
                    return redirect("cases:detail", folio=case.folio)
                return redirect("cases:list")
        matches = duplicate_matches(request.user, candidates, phone=typed["phone"])
    context = {
        "person_form": person_form,
        "safe_form": safe_form,
        "case_form": case_form,
        "candidates": matches,
    }
    return render_page(request, "cases/intake.html", context)


@staff_required(INTAKE_ROLES)
@require_POST
def intake_duplicates(request):
    """htmx: the likely existing people for what has been typed so far (names, CURP, phone, birth date)."""
    form = PersonForm(request.POST, prefix="p")
    form.is_valid()
    data = form.cleaned_data
    matches = []
    if data.get("first_surname") or data.get("curp") or data.get("phone"):
        matches = intake_duplicate_check(request.user, **{k: data.get(k) for k in DUPLICATE_KEYS})
    return render_page(
        request, "cases/intake.html", {"candidates": matches, "live": True}, partial="candidates"
    )


@staff_required(CASE_ROLES)
def case_detail(request, folio):
    case = selectors.access_case(request.user, folio)
    page = selectors.case_page(request.user, case)
    context = {
        "case": case,
        "page": page,
        "can_record": request.user.role in AREA_ROLES and case.is_active,
        "can_manage_team": services.can_manage_team(request.user, case),
        "break_glass": selectors.is_break_glass(request.user, case),
        "close_form": CloseForm(),
        "team_form": TeamAddForm(),
    }
    return render_page(request, "cases/case_detail.html", context)


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def consultation_create(request, folio):
    case = selectors.access_case(request.user, folio, detail="registro de atención")
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_record(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Consultation recorded."))
            return redirect("cases:detail", folio=case.folio)
    return render_page(request, "cases/consultation_form.html", {"case": case, "form": form})


@staff_required(CLOSE_ROLES)
@require_http_methods(["GET", "POST"])
def case_close(request, folio):
    case = selectors.access_case(request.user, folio, detail="cierre")
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(case=case, by=request.user, reason=form.cleaned_data["close_reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Case file closed."))
            return redirect("cases:detail", folio=case.folio)
    return render_page(request, "cases/case_status_form.html", {"case": case, "form": form, "closing": True})


@staff_required(CLOSE_ROLES)
@require_http_methods(["GET", "POST"])
def case_reopen(request, folio):
    case = selectors.access_case(request.user, folio, detail="reapertura")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(case=case, by=request.user, why=form.cleaned_data["why"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Case file reopened."))
            return redirect("cases:detail", folio=case.folio)
    return render_page(request, "cases/case_status_form.html", {"case": case, "form": form, "closing": False})


@staff_required(CASE_ROLES)
@require_POST
def case_team_add(request, folio):
    case = selectors.access_case(request.user, folio, detail="equipo")
    form = TeamAddForm(request.POST)
    if form.is_valid():
        try:
            services.case_team_add(case=case, user=form.cleaned_data["user"], by=request.user)
        except PermissionDenied:
            messages.error(
                request, _("Only the team, the area coordination or the director's office can add staff.")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Added to the team."))
    else:
        messages.error(request, _("Choose whom to add."))
    return redirect("cases:detail", folio=case.folio)


@staff_required(CASE_ROLES)
@require_POST
def case_team_remove(request, folio, user_id):
    """Take someone off the team (the same people who may add staff)."""
    case = selectors.access_case(request.user, folio, detail="equipo")
    member = case.team_members.select_related("user").filter(user_id=user_id).first()
    if member is None:
        raise Http404
    try:
        services.case_team_remove(case=case, user=member.user, by=request.user)
    except PermissionDenied:
        messages.error(
            request, _("Only the team, the area coordination or the director's office can change the team.")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Taken off the team."))
    return redirect("cases:detail", folio=case.folio)


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def case_party_add(request, folio):
    """Add a child or another person to the case."""
    case = selectors.access_case(request.user, folio, detail="personas del expediente")
    form = PartyAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        relation = data.pop("relation")
        try:
            services.case_party_add(case=case, by=request.user, relation=relation, person_data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Person added to the case file."))
            return redirect("cases:detail", folio=case.folio)
    return render_page(request, "cases/party_form.html", {"case": case, "form": form})


@staff_required(CASE_ROLES)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def break_glass(request):
    """Emergency access to a case outside the usual rules, with a written reason; flagged for the director."""
    form = BreakGlassForm(request.POST or None, initial={"folio": request.GET.get("folio", "")})
    if request.method == "POST" and form.is_valid():
        case = Case.objects.filter(folio=form.cleaned_data["folio"].strip().upper()).first()
        # Internal-protocol cases are for their designated staff only: emergency access does not open them.
        if case is None or request.user.role == Role.DIRECTOR or case.is_internal_protocol:
            form.add_error("folio", _("There is no case file with that folio."))
        else:
            try:
                services.case_break_glass(case=case, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.warning(request, _("Emergency access granted for 4 hours. It has been recorded."))
                return redirect("cases:detail", folio=case.folio)
    return render_page(request, "cases/break_glass.html", {"form": form})
