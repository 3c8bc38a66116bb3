from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.models import AREA_ROLES, INTAKE_ROLES, Role
from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.cases import approvals, intake_fields, permissions, selectors, services
from violeta.cases import intake as intake_sources
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
from violeta.cases.intake_fields import CustomValuesForm
from violeta.cases.models import Case
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.people import flags
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
        cursor=request.GET.get("cursor"),
        per_page=PAGE_SIZE,
    )
    flags.annotate(request.user, [case.holder for case in page.object_list])
    context = {"form": form, "page": page, "scope": scope, "status": status}
    return render_page(request, "cases/case_list.html", context, partial="results")


def _intake_origin(request, source: str, pk) -> tuple[str, object]:
    """The source an intake is opened from and its origin (checked by the source's ``access``), or the front
    desk's (no origin). A source's own URL names it; otherwise ``?<source>=<key>`` (``?call=12``)."""
    if not source:
        source = next((s.name for s in intake_sources.sources() if request.GET.get(s.name)), "")
        if not source:
            return intake_sources.FRONT_DESK, None
        pk = request.GET[source]
    try:
        registered = intake_sources.source(source)
    except LookupError:
        raise Http404 from None
    return source, registered.access(request.user, pk)


def _intake_forms(request, initial: intake_sources.IntakeInitial):
    """The intake's forms, shaped by the institute (``cases.intake_fields``): its optional fields hidden,
    required, relabelled and ordered as configured, and its own fields (prefix ``x``)."""
    data = request.POST if request.method == "POST" else None
    person_form = PersonForm(data, prefix="p", initial=initial.person)
    person_form.optional_fields = intake_fields.shape_person_form(person_form, intake_fields.field_settings())
    return (
        person_form,
        SafeContactForm(data, prefix="s", initial={"phone_choice": "main", **initial.safe_contact}),
        IntakeCaseForm(data, prefix="c", initial=initial.case),
        CustomValuesForm(data, prefix="x", definitions=intake_fields.custom_fields(at_intake=True)),
    )


@staff_required(INTAKE_ROLES)
@require_http_methods(["GET", "POST"])
def intake(request, source: str = "", pk=None):
    """The first interview: before a new person is created, staff see the likely existing ones.

    What they see of them is only what tells two women apart (``people.selectors.DuplicateMatch``), and every
    lookup is audited. Opened from another app's record (``?call=<id>``: a logged phone call;
    ``referrals:inbound_intake``: a partner's referral; see ``cases.intake``), the page is prefilled from it,
    the source checks the user may reach it, and the new case file is linked back to it in the intake's
    transaction.
    """
    source, origin = _intake_origin(request, source, pk)
    initial = (
        intake_sources.source(source).prefill(origin)
        if origin is not None
        else intake_sources.IntakeInitial()
    )
    person_form, safe_form, case_form, custom_form = _intake_forms(request, initial)
    matches = []
    active_case, join_person, origin_linked = None, None, ""
    forms = (person_form, safe_form, case_form, custom_form)
    if request.method == "POST" and all(f.is_valid() for f in forms):
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
                case = services.intake_register(
                    source=source,
                    origin=origin,
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
                    statistics_consent=case_form.cleaned_data["statistics_consent"],
                    custom_values=custom_form.values(),
                )
            except ValidationError as exc:
                # Not a dead end when she already has an active case: her case, if the desk may see it (and
                # then no error telling her to ask for it); else the error and a way to ask its team.
                has_active = existing and getattr(exc, "code", None) == "case_active_exists"
                active = services.active_case_of(existing) if has_active else None
                if selectors.can_view_case(request.user, active):
                    active_case = active
                    if origin is not None:
                        origin_linked = _link_origin_to(active, source, origin, request.user)
                else:
                    apply_service_errors(person_form if hasattr(exc, "error_dict") else case_form, exc)
                    if has_active:
                        join_person = existing.pk
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
        "custom_form": custom_form,
        "optional_fields": [person_form[name] for name in person_form.optional_fields],
        "candidates": matches,
        "active_case": active_case,
        "origin_linked": origin_linked,
        "join_person": join_person,
        "can_record": request.user.role in AREA_ROLES,  # consultations are recorded by an area
    }
    return render_page(request, "cases/intake.html", context)


def _link_origin_to(case, source, origin, user) -> str:
    """The call (or referral) the intake came from is hers: link it to her active case; say so, or nothing when
    it was meanwhile linked elsewhere."""
    try:
        services.intake_origin_link(source=source, origin=origin, case=case, by=user)
    except ValidationError:
        return ""
    message = intake_sources.source(source).linked_message
    return message % {"folio": case.folio} if message else ""


@staff_required(INTAKE_ROLES)
@require_POST
def request_to_join(request):
    """The desk asks the team of her active case for access (``services.case_join_request``): the case itself
    stays out of sight until the team adds her."""
    person_id = request.POST.get("person", "")
    if not person_id.isdigit():
        raise Http404
    try:
        services.case_join_request(person_id=int(person_id), by=request.user)
    except ValidationError:
        raise Http404 from None
    messages.success(
        request, _("Her team was asked to give you access to her case file; no second case file was opened.")
    )
    return redirect("cases:intake")


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
    flags.annotate(request.user, [case.holder])
    context = {
        "case": case,
        "page": page,
        "can_record": request.user.role in AREA_ROLES and case.is_active,
        "can_manage_team": permissions.can_manage_team(request.user, case),
        "break_glass": selectors.is_break_glass(request.user, case),
        "close_form": CloseForm(),
    }
    return render_page(request, "cases/case_detail.html", context)


@staff_required(CASE_ROLES)
def case_consultations(request, folio):
    """Every consultation of the case, the newest first (the case page shows the latest). The case page's link,
    followed by htmx, brings only the ones it does not show (``desde``) in place of the link."""
    case = selectors.access_case(request.user, folio, detail="atenciones anteriores")
    offset = request.GET.get("desde", "")
    partial = request.htmx and offset.isdigit()
    consultations = selectors.case_consultations(case, offset=int(offset) if partial else 0)
    context = {"case": case, "consultations": consultations}
    return render_page(request, "cases/consultation_list.html", context, partial="rows" if partial else None)


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
            waiting = approvals.case_close_request(
                case=case, by=request.user, reason=form.cleaned_data["close_reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if waiting is None:
                messages.success(request, _("Case file closed."))
            else:
                messages.success(
                    request, _("Closing requested: the case file stays open until it is approved.")
                )
            return redirect("cases:detail", folio=case.folio)
    context = {
        "case": case,
        "form": form,
        "closing": True,
        "needs_approval": approvals.approver_for(approvals.closure_step(case)) != "none",
        "waiting": approvals.pending_request(case, approvals.closure_step(case)),
    }
    return render_page(request, "cases/case_status_form.html", context)


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
@require_http_methods(["GET", "POST"])
def case_team_add(request, folio):
    """Add a member of staff to the team. GET: the form, which the case page brings in place (htmx) or opens
    on its own page: its list of every member of staff is read when someone adds one, not on every view of
    the case (a state's 160 staff: ~2-3 ms of each case page, issue 22)."""
    case = selectors.access_case(request.user, folio, detail="equipo")
    if request.method == "GET":
        if not (case.is_active and permissions.can_manage_team(request.user, case)):
            messages.error(
                request, _("Only the team, the area coordination or the director's office can add staff.")
            )
            return redirect("cases:detail", folio=case.folio)
        form = TeamAddForm()
        # Brought in place of the link: the choice is what she does next.
        form.fields["user"].widget.attrs["autofocus"] = True
        context = {"case": case, "team_form": form}
        return render_page(request, "cases/team_add.html", context, partial="form")
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
        if case is None or not permissions.may_break_glass(request.user, case):
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
