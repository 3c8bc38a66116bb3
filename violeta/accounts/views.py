from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts import services
from violeta.accounts.decorators import recent_authentication_required
from violeta.accounts.forms import GrantDecisionForm, StaffCreateForm, StaffEditForm
from violeta.accounts.models import CASE_ROLES, PERSONAL_DATA_ROLES, GrantStatus, Role, RoleGrant, User
from violeta.accounts.permissions import staff_required
from violeta.audit import chain, targets
from violeta.audit.models import AuditEvent
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page

ADMIN = {Role.SYSADMIN}
DIRECTOR = {Role.DIRECTOR}


@login_not_required
def home(request):
    """Where each person lands after signing in."""
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    if user.role in CASE_ROLES:
        return redirect("cases:list")
    if user.role == Role.SYSADMIN:
        return redirect("accounts:staff_list")
    if user.role == Role.ALERT_MONITOR:
        return redirect("alerts:console")
    if user.role == Role.LIAISON:
        return redirect("referrals:liaison_inbox")
    if user.role == Role.TRAINER:
        return redirect("programs:home")
    if user.role in (Role.CARD_OFFICE, Role.MERCHANT):
        return redirect("card:office" if user.role == Role.CARD_OFFICE else "card:validate")
    return render(request, "accounts/home.html")


@staff_required(ADMIN)
def staff_list(request):
    staff = User.objects.select_related("area").order_by("-is_active", "full_name")
    pending = {
        grant.user_id: grant
        for grant in RoleGrant.objects.filter(status=GrantStatus.PENDING).select_related("area")
    }
    rows = [(member, pending.get(member.pk)) for member in staff]
    return render_page(request, "accounts/staff_list.html", {"rows": rows})


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
            if form.cleaned_data["role"] in PERSONAL_DATA_ROLES:
                messages.success(
                    request,
                    _(
                        "Account created. Its role waits for the director's approval: until then it is disabled."
                    ),
                )
            else:
                messages.success(request, _("Account created."))
            return redirect("accounts:staff_list")
    return render_page(request, "accounts/staff_form.html", {"form": form, "creating": True})


@staff_required(ADMIN)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    member = get_object_or_404(User, pk=pk)
    pending = RoleGrant.objects.filter(user=member, status=GrantStatus.PENDING).select_related("area").first()
    initial = {f: getattr(member, f) for f in ("full_name", "role", "area", "is_active", "is_on_duty")}
    if pending is not None and not member.role:
        initial.update(role=pending.role, area=pending.area)  # a new account: show the role it waits for
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.staff_update(by=request.user, user=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if RoleGrant.objects.filter(user=updated, status=GrantStatus.PENDING).exists():
                messages.success(
                    request, _("Account updated. The new role waits for the director's approval.")
                )
            else:
                messages.success(request, _("Account updated."))
            return redirect("accounts:staff_list")
    return render_page(
        request,
        "accounts/staff_form.html",
        {"form": form, "member": member, "creating": False, "pending": pending},
    )


@staff_required(ADMIN)
@require_POST
def staff_end_sessions(request, pk):
    """The administrator signs an account out everywhere (a lost phone, a shared computer, a departure)."""
    member = get_object_or_404(User, pk=pk)
    services.staff_end_sessions(by=request.user, user=member)
    messages.success(request, _("Every session of this account has been closed."))
    return redirect("accounts:staff_edit", pk=member.pk)


@staff_required(DIRECTOR)
def grant_list(request):
    """The director's screen: role requests waiting for her, and the latest decisions."""
    grants = RoleGrant.objects.select_related("user", "area", "requested_by", "decided_by")
    pending = grants.filter(status=GrantStatus.PENDING).order_by("requested_at", "id")
    decided = grants.exclude(status=GrantStatus.PENDING).order_by("-decided_at", "-id")[:50]
    return render_page(request, "accounts/grant_list.html", {"pending": pending, "decided": decided})


@staff_required(DIRECTOR)
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)  # deciding needs her password again within the last minutes
def grant_decide(request, pk):
    grant = get_object_or_404(
        RoleGrant.objects.select_related("user", "area", "requested_by", "decided_by"), pk=pk
    )
    form = GrantDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            services.grant_approve if form.cleaned_data["decision"] == "approve" else services.grant_refuse
        )
        try:
            decide(by=request.user, grant=grant, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if form.cleaned_data["decision"] == "approve":
                messages.success(request, _("Role approved. Her open sessions were closed."))
            else:
                messages.success(request, _("Request refused. The account keeps the role it had."))
            return redirect("accounts:grant_list")
    own = request.user.pk in (grant.requested_by_id, grant.user_id)
    return render_page(request, "accounts/grant_decide.html", {"grant": grant, "form": form, "own": own})


@staff_required(DIRECTOR)
def audit_flagged(request):
    """Refused accesses and emergency accesses, for the director's review, and the state of the log's chain.

    Here rather than in ``audit``, which sits below ``accounts`` and so cannot know the director's role.
    """
    events = AuditEvent.objects.filter(flagged=True).select_related("actor").order_by("-at", "-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = targets.annotate(page.object_list)
    context = {"page": page, "chain": chain.recent_status()}
    return render_page(request, "audit/flagged.html", context, partial="rows")


@login_not_required
def email_closed(request):
    """allauth's e-mail management (/cuenta/email/) is closed: only the system administrator sets addresses."""
    raise Http404
