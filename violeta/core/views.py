from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from violeta.accounts.models import CASE_ROLES, Role
from violeta.core import errors


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
    if user.role in (Role.CARD_OFFICE, Role.MERCHANT):
        return redirect("card:office" if user.role == Role.CARD_OFFICE else "card:validate")
    return render(request, "core/home.html")


def forbidden(request, exception=None):
    if errors.is_api(request):
        return errors.api_error(403, errors.detail_for_status(403), "forbidden")
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    if errors.is_api(request):
        return errors.api_error(404, errors.detail_for_status(404), "not_found")
    return render(request, "404.html", status=404)
