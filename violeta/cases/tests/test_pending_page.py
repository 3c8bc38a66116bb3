"""Mis pendientes: the page, its scopes, its sources (each app's), the count in the menu, and a bounded number of
queries with 500 cases."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from violeta.accounts.models import Area
from violeta.cases import pending
from violeta.cases.models import (
    ArrivalChannel,
    Case,
    CaseParty,
    CaseTeamMember,
    Consultation,
    InternalProtocolDesignation,
    Modality,
    Relation,
)
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.people.models import Person, SafeContactPreference


@pytest.fixture(autouse=True)
def _no_cached_counts():
    cache.clear()
    yield
    cache.clear()


def stale_case(opener, team, *, days=8, priority=True):
    case = CaseFactory(opened_by=opener, team=team)
    record_consultation(case, team[0], when=timezone.now() - timedelta(days=days))
    if priority:
        case.is_priority = True
        case.save(update_fields=["is_priority"])
    return case


def kinds(user, scope=pending.MINE):
    return {(i.kind, i.folio) for i in pending.pending_items(user, scope=scope)}


@pytest.mark.django_db
def test_her_page_lists_a_high_risk_case_without_contact_overdue_first(client, receptionist, psychologist):
    case = stale_case(receptionist, (psychologist,))
    client.force_login(psychologist)
    response = client.get(reverse("cases:pending"))
    body = response.content.decode()
    assert response.status_code == 200
    assert case.folio in body and 'data-kind="follow_up"' in body and "table-danger" in body
    assert case.holder.full_name not in body  # the folio and her flags, never her name


@pytest.mark.django_db
def test_each_line_says_in_spanish_when_it_is_due_and_links_to_her_case(client, receptionist, lawyer):
    """The badge (overdue, today, in N days), the day due and the folio's link, as the page words them."""
    from django.utils.formats import date_format

    from violeta.violence.tests.factories import granted_order

    late = stale_case(receptionist, (lawyer,), days=9)  # a priority case: due after 7 days, 2 days ago
    today = stale_case(receptionist, (lawyer,), days=7)
    ending = CaseFactory(opened_by=receptionist, team=(lawyer,))
    record_consultation(ending, lawyer)
    granted_order(ending, lawyer, granted_days_ago=57, lasts=60)  # ends in 3 days
    client.force_login(lawyer)
    body = client.get(reverse("cases:pending")).content.decode()
    for case, badge in (
        (late, '<span class="badge text-bg-danger">vencido hace 2 días</span>'),
        (today, '<span class="badge text-bg-warning">Hoy</span>'),
        (ending, '<span class="badge text-bg-secondary">en 3 días</span>'),
    ):
        row = body[
            : body.index(f'<a class="fw-semibold" href="{reverse("cases:detail", args=[case.folio])}">')
        ]
        row = row[row.rindex("<tr ") :]
        assert badge in row, case.folio
    due = timezone.localdate() - timedelta(days=2)
    assert f'<div class="small text-body-secondary">{date_format(due, "SHORT_DATE_FORMAT")}</div>' in body


@pytest.mark.django_db
def test_the_area_view_is_for_coordinators_and_the_director(
    client, receptionist, psychologist, psychology_coordinator, director
):
    case = stale_case(receptionist, (psychologist,))
    client.force_login(psychologist)
    # She has no area view: asking for it shows her own.
    assert client.get(reverse("cases:pending"), {"scope": "area"}).context["scope"] == "mine"
    client.force_login(psychology_coordinator)
    assert case.folio not in client.get(reverse("cases:pending")).content.decode()
    response = client.get(reverse("cases:pending"), {"scope": "area"})
    assert case.folio in response.content.decode() and psychologist.full_name in response.content.decode()
    client.force_login(director)
    response = client.get(reverse("cases:pending"))
    assert response.context["scope"] == "area" and case.folio in response.content.decode()


@pytest.mark.django_db
def test_nobody_sees_items_of_a_case_she_cannot_see(
    client, receptionist, psychologist, social_worker, coordinator, director
):
    case = stale_case(receptionist, (psychologist,))
    Case.objects.filter(pk=case.pk).update(is_internal_protocol=True)
    for user, scope in ((psychologist, "mine"), (social_worker, "mine"), (coordinator, "area")):
        assert not any(folio == case.folio for _, folio in kinds(user, scope)), user
    assert ("follow_up", case.folio) in kinds(director, pending.AREA)
    InternalProtocolDesignation.objects.create(user=psychologist, designated_by=director)
    assert ("follow_up", case.folio) in kinds(psychologist)


@pytest.mark.django_db
def test_protection_orders_ending_are_due_for_her_lawyers(receptionist, lawyer, coordinator):
    from violeta.violence.tests.factories import granted_order

    case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    record_consultation(case, lawyer)
    granted_order(case, lawyer, granted_days_ago=55, lasts=60)  # ends in 5 days
    other = CaseFactory(opened_by=receptionist, team=(lawyer,))
    record_consultation(other, lawyer)
    granted_order(other, lawyer, granted_days_ago=10, lasts=60)  # ends in 50 days: not yet
    assert kinds(lawyer) == {("protection_order", case.folio)}
    assert ("protection_order", case.folio) in kinds(coordinator, pending.AREA)


@pytest.mark.django_db
def test_every_line_links_to_a_page_its_reader_may_open(client, receptionist, lawyer, coordinator, director):
    from violeta.violence.tests.factories import granted_order

    case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    record_consultation(case, lawyer, when=timezone.now() - timedelta(days=40))
    granted_order(case, lawyer, granted_days_ago=55, lasts=60)
    for user, scope in ((lawyer, "mine"), (coordinator, "area"), (director, "area")):
        client.force_login(user)
        items = pending.pending_items(user, scope=scope)
        assert {i.kind for i in items} == {"follow_up", "protection_order"}, user
        for item in items:
            assert client.get(item.url).status_code == 200, (user, item.kind, item.url)


@pytest.mark.django_db
def test_hearings_of_this_week_are_due_for_the_responsible_lawyer(
    receptionist, lawyer, outsider, coordinator
):
    from violeta.legal.tests.factories import make_hearing, make_matter

    case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    record_consultation(case, lawyer)
    matter = make_matter(case, lawyer)
    make_hearing(matter, lawyer, starts_at=timezone.now() + timedelta(days=3))
    make_hearing(matter, lawyer, starts_at=timezone.now() + timedelta(days=20))
    items = [i for i in pending.pending_items(lawyer) if i.kind == "hearing"]
    assert len(items) == 1 and items[0].folio == case.folio
    assert not any(i.kind == "hearing" for i in pending.pending_items(outsider))
    assert any(i.kind == "hearing" for i in pending.pending_items(coordinator, scope=pending.AREA))


@pytest.mark.django_db
def test_referrals_without_an_answer_in_time_are_due(receptionist, lawyer, dif_liaison):
    from violeta.referrals.models import Referral
    from violeta.referrals.tests.factories import dif, refer

    case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    record_consultation(case, lawyer)
    referral = refer(case, lawyer, dif())
    assert not any(i.kind == "referral" for i in pending.pending_items(lawyer))
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(days=2))
    items = [i for i in pending.pending_items(lawyer) if i.kind == "referral"]
    assert [i.folio for i in items] == [case.folio] and items[0].is_overdue()


@pytest.mark.django_db
def test_a_referral_she_sent_about_a_case_she_no_longer_sees_is_not_due_for_her(
    receptionist, lawyer, dif_liaison
):
    from violeta.referrals.models import Referral
    from violeta.referrals.tests.factories import dif, refer

    kept = CaseFactory(opened_by=receptionist, team=(lawyer,))
    hidden = CaseFactory(opened_by=receptionist, team=(lawyer,))
    for case in (kept, hidden):
        record_consultation(case, lawyer)
        refer(case, lawyer, dif())
    Referral.objects.update(due_at=timezone.now() - timedelta(days=2))
    Case.objects.filter(pk=hidden.pk).update(is_internal_protocol=True)  # only designated staff see it now
    lawyer.refresh_from_db()
    found = pending.pending_items(lawyer)
    assert [i.folio for i in found if i.kind == "referral"] == [kept.folio]
    assert pending.pending_items(lawyer, limit=1).total == found.total


@pytest.mark.django_db
def test_her_reminders_that_have_come_are_due_until_she_reads_them(receptionist, lawyer):
    from violeta.notifications.models import Notification
    from violeta.notifications.services import notify

    case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    record_consultation(case, lawyer)
    notify(recipients=[lawyer], kind="test", message="Revisar plan", case=case.pk)  # a notice, not a reminder
    Notification.objects.create(
        recipient=lawyer,
        kind="reminder",
        message="Audiencia mañana",
        case_id=case.pk,
        created_at=timezone.now() - timedelta(days=3),
        deliver_at=timezone.now() - timedelta(hours=1),
    )
    items = [i for i in pending.pending_items(lawyer) if i.kind == "reminder"]
    assert [(i.title, i.folio) for i in items] == [("Audiencia mañana", case.folio)]
    Notification.objects.filter(kind="reminder").update(read_at=timezone.now())
    assert not any(i.kind == "reminder" for i in pending.pending_items(lawyer))


@pytest.mark.django_db
def test_a_reminder_about_a_case_she_no_longer_sees_is_left_out_and_none_costs_one_query(
    receptionist, lawyer, django_assert_num_queries
):
    from violeta.cases.flags import reminders_due
    from violeta.cases.models import CaseTeamMember
    from violeta.notifications.models import Notification

    def remind(message, case=None):
        Notification.objects.create(
            recipient=lawyer,
            kind="reminder",
            message=message,
            case_id=case.pk if case else None,
            created_at=timezone.now() - timedelta(days=3),
            deliver_at=timezone.now() - timedelta(hours=1),
        )

    today = timezone.localdate()
    lawyer.refresh_from_db()
    reminders_due(lawyer, scope=pending.MINE, today=today)  # her cases rule, built once per request
    with django_assert_num_queries(1):  # no reminder at all: the cases rule is not asked
        assert reminders_due(lawyer, scope=pending.MINE, today=today) == []
    hers = CaseFactory(opened_by=receptionist, team=(lawyer,))
    gone = CaseFactory(opened_by=receptionist, team=(lawyer,))
    remind("Audiencia mañana", hers)
    remind("Revisión del plan", gone)
    remind("Capacitación del equipo")
    CaseTeamMember.objects.filter(case=gone, user=lawyer).delete()
    items = reminders_due(lawyer, scope=pending.MINE, today=today)
    assert sorted((i.title, i.folio) for i in items) == [
        ("Audiencia mañana", hers.folio),
        ("Capacitación del equipo", ""),
    ]


@pytest.mark.django_db
def test_the_menu_loads_her_count(client, receptionist, psychologist):
    stale_case(receptionist, (psychologist,))
    stale_case(receptionist, (psychologist,))
    client.force_login(psychologist)
    page = client.get(reverse("cases:list")).content.decode()
    assert reverse("cases:pending_count") in page and reverse("cases:pending") in page
    badge = client.get(reverse("cases:pending_count"), HTTP_HX_REQUEST="true").content.decode()
    assert (
        ">2<" in badge
        and "data-pending-count" in badge
        and '2<span class="visually-hidden"> pendientes' in badge
    )
    cache.clear()
    client.force_login(receptionist)
    assert "data-pending-count" not in client.get(reverse("cases:pending_count")).content.decode()


# --- 500 cases ----------------------------------------------------------------------------------------------


def five_hundred_cases(opener, psychologist):
    """500 open cases on the psychologist's team, half high risk and all without contact for 8 days, built with
    bulk_create; some children, safe-contact rules and assessments so every flag source has rows."""
    from violeta.violence.models import RiskAssessment
    from violeta.violence.tests.factories import epv_r

    now = timezone.now()
    people = Person.objects.bulk_create(
        Person(given_names=f"Mujer{n}", first_surname="Prueba", name_normalized=f"mujer{n} prueba")
        for n in range(500)
    )
    SafeContactPreference.objects.bulk_create(SafeContactPreference(person=p) for p in people)
    cases = Case.objects.bulk_create(
        Case(
            folio=f"IMM-2026-9{n:05d}",
            holder=person,
            arrival_channel=ArrivalChannel.OWN,
            reason="Motivo",
            opened_by=opener,
            opened_at=now - timedelta(days=60),
            is_priority=n % 2 == 0,
        )
        for n, person in enumerate(people)
    )
    CaseParty.objects.bulk_create(
        CaseParty(case=case, person=case.holder, relation=Relation.HOLDER) for case in cases
    )
    area = Area.objects.get(code="psicologia")
    CaseTeamMember.objects.bulk_create(
        CaseTeamMember(case=case, user=psychologist, area=area, added_by=opener) for case in cases
    )
    Consultation.objects.bulk_create(
        Consultation(
            case=case,
            area=area,
            modality=Modality.IN_PERSON,
            started_at=now - timedelta(days=8),
            duration_minutes=50,
            summary="Atención",
            attended_by=psychologist,
        )
        for case in cases
    )
    instrument = epv_r()
    RiskAssessment.objects.bulk_create(
        RiskAssessment(
            case=case,
            instrument=instrument,
            score=5,
            max_possible=48,
            computed_level="low",
            final_level="low",
            assessed_by=psychologist,
        )
        for case in cases[1::2]
    )
    # Written around save(), as an import does: what their follow-ups go by, derived as the import derives it.
    from violeta.violence import followups

    followups.refresh(case.pk for case in cases)
    return cases


@pytest.mark.django_db
def test_the_page_costs_a_bounded_number_of_queries_with_500_cases(
    client, django_assert_max_num_queries, receptionist, psychologist, psychology_coordinator, director
):
    cases = five_hundred_cases(receptionist, psychologist)
    for user, scope in ((psychologist, "mine"), (psychology_coordinator, "area"), (director, "area")):
        client.force_login(user)
        # Session and user, each source (rules and cases for the follow-ups, one for every other), the flags (three),
        # the audit chain's tail and its inserts (SQLite batches them by 70 or so: 500 lines are 8 inserts).
        with django_assert_max_num_queries(25):
            response = client.get(reverse("cases:pending"), {"scope": scope})
        rows = response.context["rows"]
        # The 250 priority cases are overdue (7 days); the 250 of low risk are not due (30 days). The page lists
        # the first PAGE_LIMIT (200) of them, and says there are 250.
        assert len(rows) == pending.PAGE_LIMIT and response.context["total"] == 250, user
        assert {row.item.folio for row in rows} < {c.folio for c in cases[::2]}
        assert all(any(f.code == "high_risk" for f in row.flags) for row in rows)
    client.force_login(psychologist)
    # The sources without the flags nor the audit (the referrals read her cases' ids first), and the cache's
    # read and write (the database cache here), and whether she has a break-glass grant or a protocol designation
    # (cases.selectors.visible_cases, once per request).
    with django_assert_max_num_queries(18):
        assert ">250<" in client.get(reverse("cases:pending_count")).content.decode()


@pytest.mark.django_db
def test_past_the_cap_the_area_view_says_more_than_and_stops_counting(
    client, monkeypatch, receptionist, psychologist, psychology_coordinator
):
    """A coordinator's area at a state's scale has 15,000 follow-ups due: counting them all cost 0.3 s of the
    page. Past ``COUNT_CAP`` (as deep as "Ver más" goes) the sources stop counting and the page says "more than"."""
    monkeypatch.setattr(pending, "PAGE_LIMIT", 2)
    monkeypatch.setattr(pending, "MAX_PAGES", 2)
    monkeypatch.setattr(pending, "COUNT_CAP", 4)
    for _n in range(7):
        stale_case(receptionist, (psychologist,))
    client.force_login(psychology_coordinator)
    response = client.get(reverse("cases:pending"), {"scope": "area"})
    assert len(response.context["rows"]) == 2
    assert response.context["total"] == 5  # counted up to the cap and one more
    body = response.content.decode()
    assert "Más de 4 pendientes" in body and "7 pendientes" not in body
    assert 'id="pending-more"' in body  # page 2 of 2 is there
    response = client.get(reverse("cases:pending"), {"scope": "area", "page": "2"})
    assert len(response.context["rows"]) == 2 and 'id="pending-more"' not in response.content.decode()
    # under the cap, the exact number
    monkeypatch.setattr(pending, "COUNT_CAP", 10)
    response = client.get(reverse("cases:pending"), {"scope": "area"})
    assert response.context["total"] == 7 and "7 pendientes" in response.content.decode()


@pytest.mark.django_db
def test_the_badge_says_cap_plus_past_the_cap(client, monkeypatch, receptionist, psychologist):
    monkeypatch.setattr(pending, "COUNT_CAP", 2)
    for _n in range(4):
        stale_case(receptionist, (psychologist,))
    client.force_login(psychologist)
    badge = client.get(reverse("cases:pending_count"), HTTP_HX_REQUEST="true").content.decode()
    assert ">2+<" in badge
