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
