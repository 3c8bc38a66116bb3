"""Mis pendientes at a state's scale: the page lists the most urgent ``PAGE_LIMIT`` items and says how many there
are in all; the sources build only the items listed (issue 22)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases import pending
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.violence.followups import follow_ups_due


@pytest.fixture(autouse=True)
def _no_cached_counts():
    cache.clear()
    yield
    cache.clear()


def stale(opener, member, days):
    case = CaseFactory(opened_by=opener, team=(member,))
    record_consultation(case, member, when=timezone.now() - timedelta(days=days))
    return case


@pytest.mark.django_db
def test_the_page_lists_the_most_urgent_and_counts_them_all(client, monkeypatch, receptionist, psychologist):
    cases = [stale(receptionist, psychologist, days) for days in (40, 90, 60, 120, 45)]  # all past 30 days
    monkeypatch.setattr(pending, "PAGE_LIMIT", 3)
    client.force_login(psychologist)
    response = client.get(reverse("cases:pending"))
    body = response.content.decode()
    most_overdue = [cases[3], cases[1], cases[2]]  # 120, 90, 60 days without contact
    assert [row.item.folio for row in response.context["rows"]] == [c.folio for c in most_overdue]
    assert response.context["total"] == 5 and 'id="pending-truncated"' in body
    assert cases[0].folio not in body and cases[4].folio not in body
    # Only what is shown is audited as read.
    read = set(
        AuditEvent.objects.filter(action=Action.VIEW, detail="mis pendientes").values_list(
            "case_id", flat=True
        )
    )
    assert read == {c.pk for c in most_overdue}


@pytest.mark.django_db
def test_a_page_that_lists_everything_says_nothing_is_left_out(client, receptionist, psychologist):
    stale(receptionist, psychologist, 40)
    client.force_login(psychologist)
    response = client.get(reverse("cases:pending"))
    assert response.context["total"] == 1 and 'id="pending-truncated"' not in response.content.decode()


@pytest.mark.django_db
def test_a_bounded_source_returns_the_first_it_would_have_listed(receptionist, psychologist):
    for days in (40, 90, 60, 120, 45, 31):
        stale(receptionist, psychologist, days)
    stale(receptionist, psychologist, 3)  # attended lately: not due
    today = timezone.localdate()
    everything = follow_ups_due(psychologist, scope=pending.MINE, today=today)
    first = follow_ups_due(psychologist, scope=pending.MINE, today=today, limit=4)
    assert len(everything) == 6 and first.total == 6
    assert list(first) == sorted(everything, key=pending.PendingItem.sort_key)[:4]
    assert pending.pending_items(psychologist, today=today, limit=4).total == 6


@pytest.mark.django_db
def test_the_menu_count_counts_what_the_page_leaves_out(client, monkeypatch, receptionist, psychologist):
    for days in (40, 90, 60):
        stale(receptionist, psychologist, days)
    monkeypatch.setattr(pending, "PAGE_LIMIT", 1)
    assert pending.count_for(psychologist) == 3


@pytest.mark.django_db
def test_the_page_shows_fifty_and_see_more_gives_the_next_ones_none_twice(client, receptionist, psychologist):
    assert pending.PAGE_LIMIT == 50
    for days in range(31, 31 + 53):
        stale(receptionist, psychologist, days)
    client.force_login(psychologist)
    first = client.get(reverse("cases:pending"))
    body = first.content.decode()
    shown = [row.item.folio for row in first.context["rows"]]
    assert len(shown) == 50 and first.context["total"] == 53 and 'id="pending-truncated"' in body
    assert 'id="pending-more"' in body and "page=2" in body
    second = client.get(reverse("cases:pending"), {"page": "2"})
    rest = [row.item.folio for row in second.context["rows"]]
    assert len(rest) == 3 and not set(rest) & set(shown)
    assert second.context["total"] == 53 and 'id="pending-more"' not in second.content.decode()
    # The next page follows the first in urgency: the least overdue are left for it.
    everything = pending.pending_items(psychologist, limit=None)
    assert shown + rest == [i.folio for i in everything]
    # A page past the end lists nothing rather than failing; a page that is not a number is the first.
    past = client.get(reverse("cases:pending"), {"page": "9"})
    assert list(past.context["rows"]) == [] and 'id="pending-past-end"' in past.content.decode()
    assert 'id="pending-empty"' not in past.content.decode()  # not "nothing is due": there are 53
    assert [
        r.item.folio for r in client.get(reverse("cases:pending"), {"page": "x"}).context["rows"]
    ] == shown


@pytest.mark.django_db
def test_each_line_shows_her_flags_without_an_include_per_line(client, receptionist, psychologist):
    from violeta.people.models import SafeContactPreference

    case = stale(receptionist, psychologist, 40)
    SafeContactPreference.objects.update_or_create(person=case.holder, defaults={"may_call": False})
    client.force_login(psychologist)
    body = client.get(reverse("cases:pending")).content.decode()
    assert 'data-flag="no_call"' in body
