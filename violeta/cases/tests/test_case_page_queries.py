"""The case page asks each thing once per request: the team check, the area by code, the user's role flags are
memoised for the request, not asked again by each panel (issue 22)."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory, record_consultation


def repeated(queries):
    """The statements asked more than once in the request (numbers and quoted values masked)."""
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in queries)
    return {sql: n for sql, n in shapes.items() if n > 1}


@pytest.mark.django_db
def test_the_case_page_asks_no_query_twice(client, django_assert_max_num_queries, receptionist, psychologist):
    case = CaseFactory(opened_by=receptionist, team=(psychologist,))
    record_consultation(case, psychologist)
    client.force_login(psychologist)
    # 35: one of them asks whether she has a break-glass grant or a protocol designation, so that the cases
    # rule every other query carries leaves out the clauses she lacks (cases.selectors.visible_cases).
    with django_assert_max_num_queries(35) as captured:
        response = client.get(reverse("cases:detail", args=[case.folio]))
    assert response.status_code == 200
    queries = [q for q in captured.captured_queries if "django_session" not in q["sql"]]
    assert repeated(queries) == {}
    # The team read for the page answers the panels' "is she on the team?": no query of her membership.
    assert not [
        q for q in queries if 'FROM "cases_caseteammember" WHERE' in q["sql"] and "LIMIT 1" in q["sql"]
    ]
    # Her case was read and that read is audited, once.
    assert AuditEvent.objects.filter(action=Action.VIEW, case_id=case.pk, detail="expediente").count() == 1
