"""The public site: pages anyone may read, without signing in (each one public on purpose)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from violeta.accounts.views import home as staff_home


@login_not_required
def root(request):
    """``/``: the public site's home for a visitor; a signed-in staff member lands where her role works."""
    if request.user.is_authenticated:
        return staff_home(request)
    return render(request, "portal/home.html")


@login_not_required
def safe_browsing(request):
    return render(request, "portal/safe_browsing.html")
