"""Program staff's pages of the training requests organisations send from the public site (issue 19)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.accounts.permissions import staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.programs import training_requests
from violeta.programs.models import RequestStatus
from violeta.programs.permissions import PROGRAM_ROLES
from violeta.programs.request_forms import RequestHandleForm


@staff_required(PROGRAM_ROLES)
def request_list(request):
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    page = training_requests.requests_page(request.user, status=status, page=request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": RequestStatus.choices, "section": "requests"}
    return render_page(request, "programs/request_list.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def request_detail(request, pk):
    training_request = training_requests.access_training_request(request.user, pk)
    initial = {
        "status": training_request.status,
        "organization": training_request.organization,
        "training": training_request.training,
        "note": training_request.note,
    }
    form = RequestHandleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training_requests.training_request_handle(
                request=training_request, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Request updated."))
            return redirect("programs:training_request_list")
    context = {"item": training_request, "form": form, "section": "requests"}
    return render_page(request, "programs/request_detail.html", context)
