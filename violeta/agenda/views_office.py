"""The director's and coordinators' pages for the office hours, holidays and phone lines (the public site reads
them live: no deploy to change a number)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.permissions import staff_required
from violeta.agenda import office
from violeta.agenda.forms_office import HolidayForm, PhoneLineForm, WeekdayHoursForm
from violeta.agenda.hours import opening_status
from violeta.agenda.models import Holiday, OfficeHours, PhoneLine, Weekday
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page


def _week_forms(data=None):
    rows = {row.weekday: row for row in OfficeHours.objects.all()}
    forms = []
    for weekday in Weekday.values:
        row = rows.get(weekday)
        initial = {
            "is_open": row is not None,
            "opens": row.opens if row else None,
            "closes": row.closes if row else None,
        }
        forms.append(WeekdayHoursForm(data, weekday=weekday, initial=initial))
    return forms


def _page(request, *, week=None, holiday_form=None, status=200):
    now = timezone.now()
    context = {
        "week": week or _week_forms(),
        "holiday_form": holiday_form or HolidayForm(),
        "holidays": Holiday.objects.filter(date__gte=timezone.localdate()),
        "lines": PhoneLine.objects.all(),
        "status_text": opening_status(now).describe(now),
    }
    return render_page(request, "agenda/office_hours.html", context, status=status)


@staff_required(office.OFFICE_ROLES)
@require_http_methods(["GET", "POST"])
def office_hours(request):
    if request.method != "POST":
        return _page(request)
    week = _week_forms(request.POST)
    if all(form.is_valid() for form in week):
        try:
            with transaction.atomic():
                for form in week:
                    office.office_hours_set(by=request.user, weekday=form.weekday, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Office hours saved."))
            return redirect("agenda:office_hours")
    return _page(request, week=week, status=400)


@staff_required(office.OFFICE_ROLES)
@require_POST
def holiday_add(request):
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            office.holiday_add(by=request.user, day=form.cleaned_data["date"], name=form.cleaned_data["name"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Holiday added."))
            return redirect("agenda:office_hours")
    return _page(request, holiday_form=form, status=400)


@staff_required(office.OFFICE_ROLES)
@require_POST
def holiday_remove(request, pk):
    office.holiday_remove(by=request.user, holiday=get_object_or_404(Holiday, pk=pk))
    messages.success(request, _("Holiday removed."))
    return redirect("agenda:office_hours")


def _line_page(request, form, line=None):
    if request.method == "POST" and form.is_valid():
        try:
            office.phone_line_save(by=request.user, line=line, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Phone line saved."))
            return redirect("agenda:office_hours")
    return render_page(request, "agenda/line_form.html", {"form": form, "line": line})


@staff_required(office.OFFICE_ROLES)
@require_http_methods(["GET", "POST"])
def line_create(request):
    return _line_page(request, PhoneLineForm(request.POST or None))


@staff_required(office.OFFICE_ROLES)
@require_http_methods(["GET", "POST"])
def line_edit(request, pk):
    line = get_object_or_404(PhoneLine, pk=pk)
    initial = {"name": line.name, "number": line.number, "is_active": line.is_active}
    return _line_page(request, PhoneLineForm(request.POST or None, initial=initial), line)
