"""The pages of the municipality's internal protocol: putting a case under it, and the director's designations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.accounts.models import Role
from violeta.accounts.permissions import CASE_ROLES, refuse_by_role, staff_required
from violeta.cases import internal_protocol, selectors
from violeta.cases.forms import DesignationForm, InternalProtocolForm
from violeta.cases.permissions import is_protocol_staff
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def internal_protocol_open(request, folio):
    """Attend the case under the internal protocol (designated staff and the director only). Then the case's
    referrals page, where the referral to the internal control body is made."""
    case = selectors.access_case(request.user, folio, detail="protocolo interno")
    if not is_protocol_staff(request.user):
        refuse_by_role(request)
    initial = {"dependency": case.internal_protocol_dependency, "conduct": case.internal_protocol_conduct}
    form = InternalProtocolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            internal_protocol.internal_protocol_open(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The case file is now attended under the internal protocol."))
            return redirect("referrals:case_list", folio=case.folio)
    return render_page(request, "cases/internal_protocol.html", {"case": case, "form": form})


@staff_required({Role.DIRECTOR})
@require_http_methods(["GET", "POST"])
def designations(request):
    """The director designates who attends internal-protocol cases."""
    form = DesignationForm(request.POST or None)
    if request.method == "POST":
        if "revoke" in request.POST:
            user = selectors.designated_staff().filter(pk=request.POST.get("revoke")).first()
            if user is None:
                raise Http404
            internal_protocol.internal_protocol_revoke(user=user, by=request.user)
            messages.success(request, _("Designation removed."))
            return redirect("cases:protocol_designations")
        if form.is_valid():
            try:
                internal_protocol.internal_protocol_designate(user=form.cleaned_data["user"], by=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Staff member designated."))
                return redirect("cases:protocol_designations")
    context = {"form": form, "staff": selectors.designated_staff()}
    return render_page(request, "cases/protocol_designations.html", context)
