"""Approvals' pages: a request and its decision, the list of requests waiting, the director's rules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.accounts.models import AREA_ROLES, Role
from violeta.accounts.permissions import staff_required
from violeta.cases import approvals
from violeta.cases.forms_plan import DecideForm, RulesForm
from violeta.cases.models import CloseReason
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page

APPROVAL_READERS = AREA_ROLES | {Role.DIRECTOR}


@staff_required(APPROVAL_READERS)
@require_http_methods(["GET", "POST"])
def approval_detail(request, pk):
    approval = approvals.access_approval(request.user, pk)
    may_decide = approvals.may_decide(request.user, approval)
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        if approval.requested_by_id == request.user.pk and approval.is_pending:
            form.is_valid()
            form.add_error(None, _("You cannot decide your own request: someone else must approve it."))
        elif not may_decide:
            raise Http404
        elif form.is_valid():
            try:
                approvals.approval_decide(
                    request=approval,
                    by=request.user,
                    approve=form.cleaned_data["decision"] == "approve",
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("cases:detail", folio=approval.case.folio)
    context = {
        "approval": approval,
        "case": approval.case,
        "form": form,
        "may_decide": may_decide,
        "close_reason": dict(CloseReason.choices).get(approval.payload.get("reason"), ""),
    }
    return render_page(request, "cases/approval_detail.html", context)


@staff_required(APPROVAL_READERS)
def approval_list(request):
    """The requests waiting for this user's decision, and (coordinators, director) all of her areas'."""
    mine, area = approvals.waiting_lists(request.user)
    return render_page(request, "cases/approval_list.html", {"mine": mine, "area": area})


@staff_required({Role.DIRECTOR})
@require_http_methods(["GET", "POST"])
def approval_rules(request):
    form = RulesForm(request.POST or None, rules=approvals.rules())
    if request.method == "POST" and form.is_valid():
        for step, approver in form.cleaned_data.items():
            approvals.rule_set(step=step, approver=approver, by=request.user)
        messages.success(request, _("Approval rules saved."))
        return redirect("cases:approval_rules")
    return render_page(request, "cases/approval_rules.html", {"form": form})
