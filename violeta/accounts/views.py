from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.accounts import services
from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.forms import StaffCreateForm, StaffEditForm
from violeta.accounts.models import Role, User
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.core.permissions import staff_required

ADMIN = {Role.SYSADMIN}


@staff_required(ADMIN)
def staff_list(request):
    staff = User.objects.select_related("area").order_by("-is_active", "full_name")
    return render_page(request, "accounts/staff_list.html", {"staff": staff})


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def staff_create(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Account created."))
            return redirect("accounts:staff_list")
    return render_page(request, "accounts/staff_form.html", {"form": form, "creating": True})


@staff_required(ADMIN)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    member = get_object_or_404(User, pk=pk)
    initial = {f: getattr(member, f) for f in ("full_name", "role", "area", "is_active", "is_on_duty")}
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(by=request.user, user=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Account updated."))
            return redirect("accounts:staff_list")
    return render_page(
        request, "accounts/staff_form.html", {"form": form, "member": member, "creating": False}
    )


@login_not_required
def email_closed(request):
    """allauth's e-mail management (/cuenta/email/) is closed: only the system administrator sets addresses."""
    raise Http404
