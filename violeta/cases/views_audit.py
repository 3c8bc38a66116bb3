"""The director's page of one case's audit trail: who saw or changed it (URL name ``audit:case``).

In ``cases`` rather than in ``audit``: it reads the case through ``access_case``, and ``audit`` sits below
``cases`` (and below ``accounts``, whose roles it cannot know). ``violeta/urls.py`` mounts it, with the
flagged-events page of ``accounts``, under the ``audit`` namespace at /auditoria/.
"""

from django.core.paginator import Paginator

from violeta.accounts.models import Role
from violeta.accounts.permissions import staff_required
from violeta.audit import targets
from violeta.audit.models import AuditEvent
from violeta.cases.selectors import access_case
from violeta.core.htmx import render_page


@staff_required({Role.DIRECTOR})
def case_audit(request, folio):
    """Who saw or changed this case, newest first (the director's page)."""
    case = access_case(request.user, folio, detail="bitácora de auditoría")
    person_ids = case.parties.values_list("person_id", flat=True)
    events = AuditEvent.objects.for_case(case.pk, list(person_ids))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = targets.annotate(page.object_list)
    return render_page(request, "cases/case_audit.html", {"case": case, "page": page}, partial="rows")
