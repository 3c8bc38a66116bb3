"""The statistics dashboard (issue 18, item 3): every indicator as a chart beside its data table, for the
coordinators and the director. The filters travel in a POSTed form and stay in the session, never in the URL."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from violeta.accounts.permissions import Role, staff_required
from violeta.core.db_router import replica_status
from violeta.core.htmx import render_page
from violeta.reports import cards, colonias
from violeta.reports.forms import FiltersForm, recalled, remember

DASHBOARD_ROLES = frozenset({Role.COORDINATOR, Role.DIRECTOR})


@staff_required(DASHBOARD_ROLES)
@require_http_methods(["GET", "POST"])
def dashboard(request):
    """GET shows the figures of the filters she last chose (the last full month at first). A valid POST keeps
    the new filters in her session: htmx gets the figures swapped in place, a plain form post is redirected
    back here (a reload then shows the same figures). An invalid POST shows the errors and the figures stay
    those of her last valid choice."""
    shown = form = recalled(request.session)
    if request.method == "POST":
        form = FiltersForm(request.POST)
        if form.is_valid():
            remember(request.session, form)
            if not request.htmx:
                return redirect("reports:dashboard")
            shown = form
    filters, rule = shown.filters()
    context = {
        "form": form,
        "filters": filters,
        "rule": rule,
        "sections": cards.sections(filters, rule),
        "has_map": colonias.shapes() is not None,
        "replica": replica_status(),  # where the figures were read, and how far behind (docs/deployment.md)
    }
    return render_page(request, "reports/dashboard.html", context, partial="figures")


@staff_required(DASHBOARD_ROLES)
@require_GET
def colonias_shapes(request):
    """The colonias' shapes for the map (geography only, no figure), or none when the institute supplied none."""
    return JsonResponse(colonias.shapes() or {"type": "FeatureCollection", "features": []})
