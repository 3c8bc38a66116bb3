from django.core.paginator import Paginator

from violeta.accounts.models import Role
from violeta.audit import chain
from violeta.audit.models import AuditEvent
from violeta.cases.selectors import access_case
from violeta.core.htmx import render_page
from violeta.core.permissions import staff_required


@staff_required({Role.DIRECTOR})
def case_audit(request, folio):
    """Who saw or changed this case, newest first (the director's page)."""
    case = access_case(request.user, folio, detail="bitácora de auditoría")
    person_ids = case.parties.values_list("person_id", flat=True)
    events = AuditEvent.objects.for_case(case.pk, list(person_ids))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render_page(request, "audit/case_audit.html", {"case": case, "page": page}, partial="rows")


@staff_required({Role.DIRECTOR})
def flagged(request):
    """Refused accesses and emergency accesses, for the director's review, and the state of the log's chain."""
    events = AuditEvent.objects.filter(flagged=True).select_related("actor").order_by("-at", "-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {"page": page, "chain": chain.recent_status()}
    return render_page(request, "audit/flagged.html", context, partial="rows")
