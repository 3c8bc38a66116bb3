"""The reach selectors against a known data set: who attended at least one session, grouped every way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from violeta.programs import services
from violeta.programs.models import OrganizationKind, Program
from violeta.programs.reach import reach, reach_total
from violeta.programs.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(trainer):
    """School training (Transversalidad): 3 women and 1 man registered, 1 woman never came.
    Company talk (IMM en tu empresa): 2 women, both came. A session outside the period: 1 man came."""
    school = factories.organization(trainer, name="Secundaria 12")
    company = factories.organization(trainer, name="Manufacturas del Norte", kind=OrganizationKind.COMPANY)
    school_training = factories.training(trainer, organization=school, program=Program.TRANSVERSALIDAD)
    company_talk = factories.training(
        trainer, organization=company, program=Program.COMPANY, title="Servicios del IMM"
    )
    old = factories.training(trainer, organization=school, title="De hace un año")
    s1 = factories.session(school_training, trainer, days_from_now=-5)
    s2 = factories.session(school_training, trainer, days_from_now=-4)
    c1 = factories.session(company_talk, trainer, days_from_now=-3)
    o1 = factories.session(old, trainer, days_from_now=-400)

    def came(training, session, name, sex, age, *, sessions=None):
        person = factories.attendee(training, trainer, full_name=name, sex=sex, age_group=age)
        for s in sessions or [session]:
            services.attendance_mark(session=s, attendee=person, present=True, by=trainer)
        return person

    came(school_training, s1, "Ana", "mujer", "18-29", sessions=[s1, s2])  # two sessions, one person
    came(school_training, s2, "Bety", "mujer", "30-44")
    came(school_training, s1, "Carlos", "hombre", "30-44")
    absent = factories.attendee(school_training, trainer, full_name="Dora", sex="mujer", age_group="45-59")
    services.attendance_mark(session=s1, attendee=absent, present=False, by=trainer)
    came(company_talk, c1, "Elena", "mujer", "30-44")
    came(company_talk, c1, "Flor", "mujer", "45-59")
    came(old, o1, "Gerardo", "hombre", "60+")
    today = timezone.localdate()
    return today - timedelta(days=30), today


def test_reach_by_program(known):
    start, end = known
    assert reach(start=start, end=end) == [
        {"program": "transversalidad", "people": 3},
        {"program": "empresa", "people": 2},
    ]
    assert reach_total(start=start, end=end) == 5


def test_reach_by_organisation_sex_and_age(known):
    start, end = known
    rows = reach(start=start, end=end, group_by=("organization", "sex"))
    assert {(r["organization"], r["sex"]): r["people"] for r in rows} == {
        ("Secundaria 12", "mujer"): 2,
        ("Secundaria 12", "hombre"): 1,
        ("Manufacturas del Norte", "mujer"): 2,
    }
    by_age = {r["age_group"]: r["people"] for r in reach(start=start, end=end, group_by=("age_group",))}
    assert by_age == {"18-29": 1, "30-44": 3, "45-59": 1}


def test_reach_by_month_and_topic_and_a_period_that_holds_the_old_one(known):
    start, end = known
    months = reach(start=start, end=end, group_by=("month",))
    assert sum(r["people"] for r in months) == 5 and all(len(r["month"]) == 7 for r in months)
    assert reach(start=start, end=end, group_by=("topic",)) == [{"topic": "Equidad de género", "people": 5}]
    assert reach_total(start=end - timedelta(days=500), end=end) == 6


def test_grouping_by_something_unknown_is_refused(known):
    start, end = known
    with pytest.raises(ValueError):
        reach(start=start, end=end, group_by=("name",))


def test_reach_counts_the_courses_the_company_visits_and_the_campaigns_too(
    known, trainer, coordinator, lawyer
):
    """The four sources in one period: 5 from trainings (above), 1 woman in a course (30 to 44 at her class),
    12 women at a company visit, and a campaign event's 7 women and 3 men."""
    from datetime import date

    from violeta.cases.tests.factories import CaseFactory
    from violeta.people.tests.factories import PersonFactory
    from violeta.programs import courses, visits
    from violeta.programs.tests import course_factories

    start, end = known
    group = course_factories.cohort(
        course_factories.course(trainer, trade="Repostería"), trainer, coordinator=coordinator
    )
    her = CaseFactory(opened_by=lawyer, holder=PersonFactory(birth_date=date(end.year - 35, 1, 1)))
    enrolled = courses.enroll(cohort=group, case=her, by=lawyer, consent=True)
    not_yet = CaseFactory(opened_by=lawyer)
    courses.enroll(cohort=group, case=not_yet, by=lawyer, consent=True)  # enrolled, but came to no class
    session = course_factories.cohort_session(group, trainer, days_from_now=-1)
    courses.course_attendance_mark(session=session, enrollment=enrolled, present=True, by=trainer)
    company = factories.organization(trainer, name="Ensambles del Norte", kind=OrganizationKind.COMPANY)
    visits.visit_create(
        by=trainer,
        organization=company,
        visited_on=end - timedelta(days=2),
        offered_talk=True,
        women_reached=12,
    )
    campaign = visits.campaign_create(by=trainer, name="16 días de activismo", starts_on=start, ends_on=end)
    visits.campaign_event_add(
        campaign=campaign,
        by=trainer,
        title="Marcha",
        kind="march",
        held_on=end - timedelta(days=1),
        place="Plaza de Armas",
        reach={("mujer", "18-29"): 7, ("hombre", "30-44"): 3},
    )
    by_program = {r["program"]: r["people"] for r in reach(start=start, end=end)}
    assert by_program == {"transversalidad": 3, "empresa": 2 + 12, "superacion": 1, "campana": 10}
    superacion = reach(start=start, end=end, group_by=("program", "topic", "age_group"), sources=("courses",))
    assert superacion == [{"program": "superacion", "topic": "Repostería", "age_group": "30-44", "people": 1}]
    by_sex = {r["sex"]: r["people"] for r in reach(start=start, end=end, group_by=("sex",))}
    assert by_sex == {"mujer": 4 + 1 + 12 + 7, "hombre": 1 + 3}
    assert reach_total(start=start, end=end) == 5 + 1 + 12 + 10
    assert reach_total(start=start, end=end, sources=("visits", "campaigns")) == 22
