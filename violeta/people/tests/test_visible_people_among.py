"""``visible_people_among``: the flags' question "which of these people may she see", asked of those people only
(issue 22: as a subquery of every person she may see it cost seconds at a state's scale). The same answer as
``visible_people``."""

import pytest
from django.utils import timezone

from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory
from violeta.people.models import Person
from violeta.people.selectors import visible_people, visible_people_among
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_same_people_as_visible_people(
    receptionist, psychologist, lawyer, psychology_coordinator, director
):
    hers = CaseFactory(opened_by=receptionist, team=(psychologist,))
    other = CaseFactory(opened_by=receptionist, team=(lawyer,))
    blocked = CaseFactory(opened_by=receptionist, team=(psychologist,))
    Person.objects.filter(pk=blocked.holder_id).update(blocked_at=timezone.now())
    protocol = CaseFactory(opened_by=receptionist, team=(psychologist,))
    Case.objects.filter(pk=protocol.pk).update(is_internal_protocol=True)
    nobody = PersonFactory()  # in no case
    ids = [c.holder_id for c in (hers, other, blocked, protocol)] + [nobody.pk, None]
    for user in (psychologist, lawyer, psychology_coordinator, director, receptionist):
        expected = set(
            visible_people(user).filter(pk__in=[pk for pk in ids if pk]).values_list("pk", flat=True)
        )
        assert set(visible_people_among(user, ids).values_list("pk", flat=True)) == expected, user
    assert set(visible_people_among(psychologist, ids).values_list("pk", flat=True)) == {hers.holder_id}
    assert set(visible_people_among(psychologist, [])) == set()
