from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from violeta.core.htmx import render_page
from violeta.notifications import selectors, services


@login_required
def inbox(request):
    """Her notices and reminders, newest first; unread ones stand out."""
    page = Paginator(selectors.inbox(request.user), 30).get_page(request.GET.get("page"))
    return render_page(request, "notifications/inbox.html", {"page": page}, partial="rows")


@login_required
def unread_badge(request):
    """htmx, from the menu of every page: the bell, filled and with her count when she has unread notices. Loaded
    after the page, as her pending work's badge is: the count (with the case rule narrowing it) cost every page
    2-3 ms of ORM work on a state's data (issue 22)."""
    return TemplateResponse(
        request, "notifications/_unread_badge.html", {"unread": selectors.unread_count(request.user)}
    )


@login_required
@require_POST
def open_notice(request, pk):
    """Mark it read and go where it points (only ever a page of Violeta itself)."""
    notice = selectors.own_notification(request.user, pk)
    services.notification_mark_read(notification=notice, by=request.user)
    target = notice.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
