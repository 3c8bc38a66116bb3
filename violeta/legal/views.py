from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.models import Role
from violeta.accounts.permissions import CASE_ROLES, refuse_by_role, staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.legal import selectors, services
from violeta.legal.forms import (
    CancelForm,
    HearingForm,
    MatterEditForm,
    MatterForm,
    OutcomeForm,
    RescheduleForm,
    StageForm,
)

DESK_ROLES = frozenset({Role.LEGAL, Role.COORDINATOR, Role.DIRECTOR})


def _require_writer(request) -> None:
    """The director's office reads legal matters; the legal area writes them (a 404, audited, like any other
    role-level refusal)."""
    if not selectors.is_legal_staff(request.user):
        refuse_by_role(request)


def _warn_clashes(request, hearing) -> None:
    """A hearing is set by the court: it is stored even over booked appointments, which must then be moved, and
    over other hearings or outside court hours, which are worth a second look."""
    for warning in getattr(hearing, "warnings", []):
        messages.warning(request, warning)
    clashes = getattr(hearing, "clashing_appointments", [])
    if clashes:
        times = ", ".join(
            f"{timezone.localtime(a.starts_at):%d/%m %H:%M}–{timezone.localtime(a.ends_at):%H:%M}"
            for a in clashes
        )
        messages.warning(
            request,
            _(
                "It falls on %(count)s appointment(s) of the responsible lawyer (%(times)s): reschedule them. "
                "She has been notified."
            )
            % {"count": len(clashes), "times": times},
        )


@staff_required(DESK_ROLES)
def desk(request):
    """Mis asuntos, próximas audiencias: the lawyer's open matters and her hearings of the next 30 days."""
    if not selectors.can_read_matters(request.user):
        refuse_by_role(request)
    scope = request.GET.get("scope", "all" if request.user.role == Role.DIRECTOR else "mine")
    if request.user.role == Role.LEGAL or scope not in ("mine", "all"):
        scope = "mine"
    page = selectors.lawyer_desk(request.user, scope=scope)
    return render_page(request, "legal/desk.html", {"desk": page, "scope": scope})


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def matter_create(request, folio):
    case = selectors.access_case_for_legal(request.user, folio, detail="nuevo asunto jurídico")
    _require_writer(request)
    initial = {"responsible": request.user.pk} if request.user.role == Role.LEGAL else {}
    form = MatterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.matter_open(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Legal matter opened."))
            return redirect("legal:matter_detail", pk=matter.pk)
    return render_page(request, "legal/matter_form.html", {"case": case, "form": form})


@staff_required(CASE_ROLES)
def matter_detail(request, pk):
    matter = selectors.access_matter(request.user, pk)
    context = {
        "matter": matter,
        "case": matter.case,
        "page": selectors.matter_page(matter),
        "can_write": selectors.is_legal_staff(request.user),
        "stage_form": StageForm(initial={"stage": matter.stage}),
    }
    return render_page(request, "legal/matter_detail.html", context)


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def matter_edit(request, pk):
    matter = selectors.access_matter(request.user, pk, detail="edición de asunto jurídico")
    _require_writer(request)
    initial = {
        "responsible": matter.responsible_id,
        "authority": matter.authority,
        "court_file_number": matter.court_file_number,
        "counterpart": matter.counterpart,
        "summary": matter.summary,
    }
    form = MatterEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.matter_update(matter=matter, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Legal matter updated."))
            return redirect("legal:matter_detail", pk=matter.pk)
    return render_page(
        request, "legal/matter_form.html", {"case": matter.case, "matter": matter, "form": form}
    )


@staff_required(CASE_ROLES)
@require_POST
def matter_stage(request, pk):
    matter = selectors.access_matter(request.user, pk, detail="etapa de asunto jurídico")
    _require_writer(request)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.matter_stage_set(matter=matter, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Stage recorded."))
    else:
        messages.error(request, _("Choose the new stage."))
    return redirect("legal:matter_detail", pk=matter.pk)


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def hearing_create(request, pk):
    matter = selectors.access_matter(request.user, pk, detail="nueva audiencia")
    _require_writer(request)
    form = HearingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hearing = services.hearing_schedule(matter=matter, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Scheduled. The responsible lawyer will get a reminder."))
            _warn_clashes(request, hearing)
            return redirect("legal:matter_detail", pk=matter.pk)
    context = {"matter": matter, "form": form, "title": _("Schedule a hearing or deadline")}
    return render_page(request, "legal/hearing_form.html", context)


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def hearing_reschedule(request, pk):
    hearing = selectors.access_hearing(request.user, pk, detail="reprogramar audiencia")
    _require_writer(request)
    form = RescheduleForm(
        request.POST or None, initial={"place": hearing.place, "duration_minutes": hearing.duration_minutes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hearing_reschedule(hearing=hearing, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Rescheduled. The reminders were moved."))
            _warn_clashes(request, hearing)
            return redirect("legal:matter_detail", pk=hearing.matter_id)
    context = {"matter": hearing.matter, "hearing": hearing, "form": form, "title": _("Reschedule")}
    return render_page(request, "legal/hearing_form.html", context)


@staff_required(CASE_ROLES)
@require_POST
def hearing_cancel(request, pk):
    hearing = selectors.access_hearing(request.user, pk, detail="cancelar audiencia")
    _require_writer(request)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        services.hearing_cancel(hearing=hearing, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Cancelled. Its reminders were withdrawn."))
    return redirect("legal:matter_detail", pk=hearing.matter_id)


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def hearing_outcome(request, pk):
    hearing = selectors.access_hearing(request.user, pk, detail="resultado de audiencia")
    _require_writer(request)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hearing_record_outcome(hearing=hearing, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Outcome recorded."))
            return redirect("legal:matter_detail", pk=hearing.matter_id)
    context = {"matter": hearing.matter, "hearing": hearing, "form": form, "title": _("Record the outcome")}
    return render_page(request, "legal/hearing_form.html", context)
