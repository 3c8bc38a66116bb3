from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.models import AREA_ROLES
from violeta.accounts.permissions import staff_required
from violeta.agenda import callbacks, selectors, services, sources
from violeta.agenda.forms import AgendaFilterForm, AppointmentForm, PhoneCallForm, RescheduleForm, next_slot
from violeta.agenda.models import AppointmentModality, CallAction, PhoneLine
from violeta.cases.forms import ConsultationForm
from violeta.cases.selectors import access_case
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.core.validators import format_phone
from violeta.people import flags


def _scope_and_day(request):
    form = AgendaFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    day = data.get("day") or timezone.localdate()
    scope = selectors.agenda_scope(
        request.user, staff_id=data.get("staff") or "", area_code=data.get("area") or ""
    )
    return scope, day


def _busy_blocks(request, scope, first_day, days):
    """Other apps' busy time in the scope (``agenda.sources``: the lawyers' hearings, where legal decides what
    each viewer may see of them)."""
    start, _end = selectors.local_day_bounds(first_day)
    _start, end = selectors.local_day_bounds(first_day + timedelta(days=days - 1))
    staff_ids = [scope.staff.pk] if scope.staff else None
    return sources.busy_blocks(request.user, staff_ids=staff_ids, area=scope.area, start=start, end=end)


def _agenda_context(request, scope, first_day, days):
    appointments = selectors.agenda_appointments(request.user, scope, first_day=first_day, days=days)
    # Her flags beside her name (people.flags); a restricted appointment comes as busy time, without her.
    flags.annotate(request.user, [a.person for a in appointments if getattr(a, "person_id", None)])
    blocks = _busy_blocks(request, scope, first_day, days)
    by_day = defaultdict(list)
    for appointment in appointments:
        by_day[timezone.localtime(appointment.starts_at).date()].append(appointment)
    for block in blocks:
        by_day[timezone.localtime(block.starts_at).date()].append(block)
    for entries in by_day.values():
        entries.sort(key=lambda entry: entry.starts_at)
    columns = [first_day + timedelta(days=n) for n in range(days)]
    # Weekends only when something is booked on them (the institute attends Monday to Friday).
    columns = [d for d in columns if d.weekday() < 5 or by_day.get(d)]
    return {
        "scope": scope,
        "columns": [(d, by_day.get(d, [])) for d in columns],
        "total": len(appointments),
        "staff_choices": selectors.viewable_staff(request.user),
        "area_choices": selectors.viewable_areas(request.user),
        "can_book": request.user.role in selectors.BOOKING_ROLES,
        "today": timezone.localdate(),
    }


@staff_required(selectors.AGENDA_ROLES)
def week(request):
    """The week (Monday to Friday) of one staff member or one area; area staff see their own. Opened without a
    day, on a week with nothing left to attend, it shows the week of the next appointment instead (and says so)."""
    scope, day = _scope_and_day(request)
    monday = day - timedelta(days=day.weekday())
    moved = False
    if not request.GET.get("day"):
        next_day = selectors.next_appointment_day(request.user, scope, after=timezone.now())
        if next_day and next_day >= monday + timedelta(days=7):
            monday, moved = next_day - timedelta(days=next_day.weekday()), True
    context = _agenda_context(request, scope, monday, 7)
    context.update(
        {
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "moved_to_next": moved,
        }
    )
    return render_page(request, "agenda/week.html", context, partial="grid")


@staff_required(selectors.AGENDA_ROLES)
def day(request):
    scope, day = _scope_and_day(request)
    context = _agenda_context(request, scope, day, 1)
    context.update({"day": day, "previous": day - timedelta(days=1), "next": day + timedelta(days=1)})
    return render_page(request, "agenda/day.html", context)


@staff_required(selectors.BOOKING_ROLES)
@require_http_methods(["GET", "POST"])
def appointment_create(request):
    """Book an appointment; from a call (``?call=``) or a case file (``?folio=``) without retyping."""
    call = None
    if request.GET.get("call"):
        call = selectors.access_call(request.user, request.GET["call"], detail="cita desde llamada")
    staff_qs = selectors.bookable_staff(request.user)
    initial = {"starts_at": next_slot(), "folio": request.GET.get("folio", "")[:20]}
    if request.user.role in AREA_ROLES:
        initial["staff"] = request.user.pk
    if call is not None:
        initial["contact_name"] = "" if call.is_anonymous else call.caller_name
        initial["modality"] = AppointmentModality.PHONE
        if call.case_id:
            initial["folio"] = call.case.folio
    form = AppointmentForm(request.POST or None, staff_queryset=staff_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = None
        try:
            if data["folio"].strip():
                # Only a case file she may see (the refusal is audited); a typo is an error on the field.
                case = access_case(request.user, data["folio"].strip().upper(), detail="cita")
            appointment = services.appointment_book(
                by=request.user,
                staff=data["staff"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                modality=data["modality"],
                case=case,
                contact_name=data["contact_name"],
                video_link=data["video_link"],
                notes=data["notes"],
                call=call,
            )
        except Http404:
            form.add_error("folio", _("There is no case file with that folio among yours."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied:
            form.add_error("staff", _("You cannot book appointments with that person."))
        else:
            messages.success(request, _("Appointment booked."))
            return redirect("agenda:appointment_detail", pk=appointment.pk)
    return render_page(request, "agenda/appointment_form.html", {"form": form, "call": call})


@staff_required(selectors.AGENDA_ROLES)
def appointment_detail(request, pk):
    appointment = selectors.access_appointment(request.user, pk)
    context = {
        "appointment": appointment,
        "can_record": (
            request.user.role in AREA_ROLES
            and appointment.case_id is not None
            and appointment.consultation_id is None
            and appointment.status in ("scheduled", "attended")
            and request.user.area_id == appointment.area_id
        ),
        "started": appointment.starts_at <= timezone.now() + services.PAST_GRACE,
        # The call is reception's log: linked only for whoever may open it (the others would get a 404).
        "can_open_call": appointment.call_id is not None
        and selectors.visible_calls(request.user).filter(pk=appointment.call_id).exists(),
    }
    return render_page(request, "agenda/appointment_detail.html", context)


def _status_view(service, done_message):
    @staff_required(selectors.AGENDA_ROLES)
    @require_POST
    def view(request, pk):
        appointment = selectors.access_appointment(request.user, pk, detail="cambio de estado")
        try:
            service(appointment=appointment, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done_message())
        return redirect("agenda:appointment_detail", pk=appointment.pk)

    return view


appointment_cancel = _status_view(services.appointment_cancel, lambda: _("Appointment cancelled."))
appointment_no_show = _status_view(services.appointment_no_show, lambda: _("Marked: she did not come."))
appointment_attend = _status_view(services.appointment_attend, lambda: _("Marked as attended."))


@staff_required(selectors.BOOKING_ROLES)
@require_http_methods(["GET", "POST"])
def appointment_reschedule(request, pk):
    appointment = selectors.access_appointment(request.user, pk, detail="reprogramar")
    form = RescheduleForm(
        request.POST or None,
        initial={
            "starts_at": timezone.localtime(appointment.starts_at),
            "duration": appointment.duration_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.appointment_reschedule(
                appointment=appointment,
                by=request.user,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("You cannot book appointments with that person."))
        else:
            messages.success(request, _("Appointment rescheduled."))
            return redirect("agenda:appointment_detail", pk=new.pk)
    return render_page(request, "agenda/reschedule_form.html", {"appointment": appointment, "form": form})


@staff_required(AREA_ROLES)
@require_http_methods(["GET", "POST"])
def appointment_consultation(request, pk):
    """Record the consultation of an appointment: the cases form, prefilled with its modality, time and length."""
    appointment = selectors.access_appointment(request.user, pk, detail="registro de atención")
    if appointment.case is None:
        messages.error(request, _("Open her case file first: a consultation is recorded in a case file."))
        return redirect("agenda:appointment_detail", pk=appointment.pk)
    case = access_case(request.user, appointment.case.folio, detail="registro de atención")
    form = ConsultationForm(
        request.POST or None,
        initial={
            "modality": appointment.modality,
            "started_at": timezone.localtime(appointment.starts_at),
            "duration_minutes": appointment.duration_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_consultation_record(
                appointment=appointment, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("Only the staff of the appointment's area can record its consultation."))
        else:
            messages.success(request, _("Consultation recorded."))
            return redirect("cases:detail", folio=case.folio)
    return render_page(request, "cases/consultation_form.html", {"case": case, "form": form})


# --- Phone lines ----------------------------------------------------------------------------------------------


@staff_required(selectors.CALL_ROLES)
def call_list(request):
    line = request.GET.get("line", "")[:30]
    calls = selectors.calls_recent(request.user, line_code=line)
    # Her flags beside the folio of a call linked to her case (people.flags: a bounded number of queries).
    found = flags.flags_for(request.user, [call.case.holder_id for call in calls if call.case_id])
    for call in calls:
        call.flags = found.get(call.case.holder_id, []) if call.case_id else []
    context = {
        "calls": calls,
        "lines": PhoneLine.objects.all(),
        "line": line,
        # The requests from the public site waiting for a call (the desk, coordination, direction; audited).
        "callbacks": callbacks.callbacks_pending(request.user),
        "may_handle_callbacks": callbacks.may_handle_callbacks(request.user),
    }
    return render_page(request, "agenda/call_list.html", context, partial="rows")


@staff_required(selectors.CALL_ROLES)
@require_http_methods(["GET", "POST"])
def call_create(request):
    """Log a call; from a callback request (``?callback=``) the form is prefilled and the call linked to it."""
    callback = None
    if request.GET.get("callback"):
        callback = callbacks.access_callback(
            request.user, request.GET["callback"], detail="llamada de vuelta"
        )
    initial = {}
    if callback is not None:
        initial = {"caller_name": callback.name[:60], "reason": callback.reason}
    form = PhoneCallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                call = services.phone_call_log(by=request.user, **form.cleaned_data)
                if callback is not None:
                    callbacks.callback_called(request=callback, call=call, by=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Call logged."))
            if call.action == CallAction.APPOINTMENT:
                return redirect(reverse("agenda:appointment_create") + "?" + urlencode({"call": call.pk}))
            return redirect("agenda:call_detail", pk=call.pk)
    context = {"form": form, "callback": callback}
    if callback is not None:
        context["callback_choices"] = callbacks.safe_contact_choices(callback)
        context["callback_phone"] = format_phone(callback.phone)
    return render_page(request, "agenda/call_form.html", context)


def _callback_action(service, done_message):
    @staff_required(callbacks.CALLBACK_ROLES)
    @require_POST
    def view(request, pk):
        callback = callbacks.access_callback(request.user, pk, detail="cambio de estado")
        try:
            service(request=callback, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done_message())
        return redirect("agenda:calls")

    return view


callback_no_answer = _callback_action(
    callbacks.callback_no_answer, lambda: _("Marked: she did not answer. The request stays pending.")
)
callback_cancel = _callback_action(callbacks.callback_cancel, lambda: _("Callback request cancelled."))


@staff_required(selectors.CALL_ROLES)
def call_detail(request, pk):
    call = selectors.access_call(request.user, pk)
    appointments = list(call.appointments.select_related("staff", "area"))
    context = {"call": call, "appointments": appointments}
    return render_page(request, "agenda/call_detail.html", context)


@staff_required(selectors.CALL_DESK_ROLES)
def call_stats(request):
    rows = selectors.call_stats()
    totals = {"inside": sum(r.in_hours for r in rows), "outside": sum(r.out_of_hours for r in rows)}
    return render_page(request, "agenda/call_stats.html", {"rows": rows, "totals": totals})
