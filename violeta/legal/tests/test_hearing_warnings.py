"""Hearings warn, without refusing (courts do set odd hours), when they clash with her other hearings or fall
outside court hours; a matter lists its hearings soonest first (issue 16, finding 3)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.cases.tests.factories import CaseFactory
from violeta.legal.models import Hearing, HearingKind
from violeta.legal.tests.factories import make_hearing, make_matter

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, hour: int, minute: int = 0):
    """The next given weekday (0 Monday … 6 Sunday) at least two days ahead, at that local hour."""
    day = timezone.localdate() + timedelta(days=2)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def matters(lawyer):
    return [make_matter(CaseFactory(opened_by=lawyer, team=(lawyer,)), by=lawyer) for _ in range(2)]


def test_two_hearings_of_the_same_lawyer_at_the_same_hour_warn(matters):
    first = make_hearing(matters[0], starts_at=next_weekday(1, 10))
    second = make_hearing(matters[1], starts_at=next_weekday(1, 11))
    assert Hearing.objects.count() == 2  # stored all the same
    assert first.warnings == []
    assert any(matters[0].case.folio in w and "Se empalma" in w for w in second.warnings), second.warnings


@pytest.mark.parametrize(("weekday", "hour"), [(6, 10), (2, 23), (3, 6)], ids=["Sunday", "23:00", "6:00"])
def test_a_hearing_outside_court_hours_warns(matters, weekday, hour):
    hearing = make_hearing(matters[0], starts_at=next_weekday(weekday, hour))
    assert any("fuera del horario" in w for w in hearing.warnings), hearing.warnings


def test_a_deadline_at_the_end_of_the_day_does_not_warn(matters):
    make_hearing(matters[0], starts_at=next_weekday(1, 10))
    deadline = make_hearing(matters[1], starts_at=next_weekday(1, 10, 30), kind=HearingKind.DEADLINE)
    late = make_hearing(matters[1], starts_at=next_weekday(4, 23, 59), kind=HearingKind.DEADLINE)
    assert deadline.warnings == [] and late.warnings == []


def test_the_page_shows_the_warnings_in_spanish(client, lawyer, matters):
    make_hearing(matters[0], starts_at=next_weekday(1, 10))
    client.force_login(lawyer)
    when = next_weekday(6, 11)
    response = client.post(
        reverse("legal:hearing_create", args=[matters[0].pk]),
        {
            "kind": HearingKind.HEARING,
            "starts_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
            "place": "Juzgado",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "fuera del horario de los juzgados" in body


def test_a_matter_lists_its_hearings_soonest_first(client, lawyer, matters):
    later = make_hearing(matters[0], starts_at=next_weekday(1, 10) + timedelta(days=14))
    sooner = make_hearing(matters[0], starts_at=next_weekday(1, 10))
    client.force_login(lawyer)
    body = client.get(reverse("legal:matter_detail", args=[matters[0].pk])).content.decode()
    assert body.index(f"hearing-{sooner.pk}") < body.index(f"hearing-{later.pk}")
