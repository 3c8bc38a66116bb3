"""Mis pendientes: everything due for a staff member (and, for a coordinator or the director, her area's), and
the count beside the menu item."""

from django.template.response import TemplateResponse

from violeta.accounts.permissions import CASE_ROLES, staff_required
from violeta.cases import pending
from violeta.core.htmx import render_page


@staff_required(CASE_ROLES)
def my_pending(request):
    """The list, the most urgent first; ``?scope=area`` for those with an area view."""
    may_area = pending.may_see_area(request.user)
    scope = request.GET.get("scope", "")
    if scope not in pending.SCOPES or (scope == pending.AREA and not may_area):
        scope = pending.AREA if may_area and request.user.is_director else pending.MINE
    page = _page(request)
    offset = (page - 1) * pending.PAGE_LIMIT
    rows = pending.pending_page(request.user, scope=scope, limit=pending.PAGE_LIMIT, offset=offset)
    shown_to = offset + len(rows)
    context = {
        "rows": rows,
        "total": rows.total,
        "truncated": rows.total > len(rows),
        # past the cap the sources stop counting: "more than 1,000"
        "over_cap": rows.total > pending.COUNT_CAP,
        "count_cap": pending.COUNT_CAP,
        "page": page,
        "first_shown": offset + 1,
        "last_shown": shown_to,
        "next_page": page + 1 if rows.total > shown_to and page < pending.MAX_PAGES else None,
        "scope": scope,
        "may_area": may_area,
        "overdue": sum(1 for row in rows if row.overdue_days > 0),
    }
    return render_page(request, "cases/pending.html", context, partial="results")


def _page(request) -> int:
    """``?page=N`` ("Ver más"): 1 when absent or not a number, at most ``pending.MAX_PAGES``."""
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), pending.MAX_PAGES)


@staff_required(CASE_ROLES)
def pending_count(request):
    """htmx, from the menu of every page: the badge with her count (cached a minute), loaded after the page so
    no page pays for it."""
    context = {"count": pending.count_for(request.user), "count_cap": pending.COUNT_CAP}
    return TemplateResponse(request, "cases/_pending_count.html", context)
