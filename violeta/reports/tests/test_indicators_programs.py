"""Programs: reach by program, sex and age group, completion and outcomes, against a data set counted by hand.

The programs' factories place sessions relative to today, so the period here is the last 30 days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from violeta.cases.tests.factories import CaseFactory
from violeta.people.tests.factories import PersonFactory
from violeta.programs import courses, services, visits
from violeta.programs.models import EventKind, Outcome, Phase, Program, Topic
from violeta.programs.tests import course_factories, factories
from violeta.reports.indicators import Filters, Rule, get
from violeta.reports.tests.reach_data import statistics_consent

pytestmark = pytest.mark.django_db

TRANSVERSALIDAD = "Transversalidad con perspectiva de género"
COMPANY = "IMM en tu empresa"
COURSES = "Cursos de Superación en acción"


def years_ago(years: int, days: int = 30):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=days)


@pytest.fixture
def period() -> Filters:
    today = timezone.localdate()
    return Filters(start=today - timedelta(days=30), end=today)


def answer(attendee, phase, questions, right: int, by):
    """Her answers to the questions, the first ``right`` of them right."""
    answers = {}
    for number, question in enumerate(questions):
        options = list(question.options.order_by("pk"))
        chosen = next(o for o in options if o.is_correct == (number < right))
        answers[question.pk] = chosen.pk
    services.questionnaire_record(attendee=attendee, phase=phase, answers=answers, by=by)


@pytest.fixture
def programs(trainer, lawyer, coordinator):
    """The last 30 days.
    Training T1 (Transversalidad), sessions 5 and 4 days ago: Ana (woman, 18-29) came to both and is certified;
    Bety (woman, 30-44) came to the second; Carlos (man, 30-44) to the first; Dora (woman, 45-59) never came.
    Questionnaires: Ana 1/2 before, 2/2 after; Bety 0/2 before, 1/2 after; Carlos 1/2 before only.
    Training T2 (IMM en tu empresa), a session 3 days ago: Elena (woman, 30-44) and Flor (woman, 45-59) came.
    An old training (400 days ago): Gerardo came. A company visit 2 days ago reached 10 women.
    A campaign event yesterday reached 5 women and 3 men aged 18-29.
    A course group, classes 6 and 5 days ago: Wanda (36, consented to statistics) came to both and completed
    it (employed); Xóchitl (26, no consent) came to one (own business); Yara (no consent) never came;
    the group was closed today."""
    topic = Topic.objects.create(code="prueba-indicadores", name="Prueba de indicadores")
    questions = [
        services.question_add(topic=topic, by=trainer, text=f"Pregunta {n}", options=["Sí", "No"], correct=0)
        for n in (1, 2)
    ]
    school = factories.organization(trainer, name="Secundaria 12")
    t1 = factories.training(trainer, organization=school, topic=topic)
    s1 = factories.session(t1, trainer, days_from_now=-5)
    s2 = factories.session(t1, trainer, days_from_now=-4)

    def came(training, sessions, name, sex, age):
        person = factories.attendee(training, trainer, full_name=name, sex=sex, age_group=age)
        for s in sessions:
            services.attendance_mark(session=s, attendee=person, present=True, by=trainer)
        return person

    ana = came(t1, [s1, s2], "Ana", "mujer", "18-29")
    bety = came(t1, [s2], "Bety", "mujer", "30-44")
    carlos = came(t1, [s1], "Carlos", "hombre", "30-44")
    factories.attendee(t1, trainer, full_name="Dora", sex="mujer", age_group="45-59")
    assert len(services.certificates_issue(training=t1, by=trainer)) == 1
    answer(ana, Phase.BEFORE, questions, 1, trainer)
    answer(ana, Phase.AFTER, questions, 2, trainer)
    answer(bety, Phase.BEFORE, questions, 0, trainer)
    answer(bety, Phase.AFTER, questions, 1, trainer)
    answer(carlos, Phase.BEFORE, questions, 1, trainer)

    company = factories.company(trainer)
    t2 = factories.training(trainer, organization=company, program=Program.COMPANY, title="Servicios del IMM")
    c1 = factories.session(t2, trainer, days_from_now=-3)
    came(t2, [c1], "Elena", "mujer", "30-44")
    came(t2, [c1], "Flor", "mujer", "45-59")
    old = factories.training(trainer, organization=school, title="De hace un año")
    came(old, [factories.session(old, trainer, days_from_now=-400)], "Gerardo", "hombre", "60+")
    factories.visit(
        trainer, organization=company, visited_on=timezone.localdate() - timedelta(days=2), women_reached=10
    )
    visits.campaign_event_add(
        campaign=factories.campaign(trainer),
        by=trainer,
        title="Marcha",
        kind=EventKind.choices[0][0],
        held_on=timezone.localdate() - timedelta(days=1),
        place="Plaza de Armas",
        reach={("mujer", "18-29"): 5, ("hombre", "18-29"): 3},
    )

    group = course_factories.cohort(
        course_factories.course(trainer, capacity=3), trainer, coordinator=coordinator
    )
    k1 = course_factories.cohort_session(group, trainer, days_from_now=-6)
    k2 = course_factories.cohort_session(group, trainer, days_from_now=-5)

    def enrolled(birth_date):
        case = CaseFactory(holder=PersonFactory(birth_date=birth_date), opened_by=lawyer, team=(lawyer,))
        return courses.enroll(cohort=group, case=case, by=lawyer, consent=True)

    wanda, xochitl, yara = enrolled(years_ago(36)), enrolled(years_ago(26)), enrolled(years_ago(50))
    statistics_consent(wanda.person, lawyer)
    for k in (k1, k2):
        courses.course_attendance_mark(session=k, enrollment=wanda, present=True, by=trainer)
    courses.course_attendance_mark(session=k1, enrollment=xochitl, present=True, by=trainer)
    courses.course_attendance_mark(session=k1, enrollment=yara, present=False, by=trainer)
    courses.cohort_complete(cohort=group, by=trainer)
    for enrollment, outcome in ((wanda, Outcome.EMPLOYED), (xochitl, Outcome.OWN_BUSINESS)):
        enrollment.refresh_from_db()
        courses.outcome_record(enrollment=enrollment, by=trainer, outcome=outcome)


def test_reach_by_program(programs, period):
    table = get("program_reach")
    assert table(period).as_dict() == {
        (TRANSVERSALIDAD,): {"people": 3},  # Ana, Bety, Carlos (Dora never came)
        (COMPANY,): {"people": 12},  # Elena, Flor and the visit's 10
        ("Protocolo interno del Gobierno Municipal",): {"people": 0},
        ("Campaña",): {"people": 8},
        ("Profesionalización del personal",): {"people": 0},
        (COURSES,): {"people": 2},  # Wanda and Xóchitl came; Yara never did
    }
    # Only Wanda of the course consented; the anonymous figures stay.
    statistics = table(period, Rule.STATISTICS).as_dict()
    assert statistics[(COURSES,)] == {"people": 1}
    assert statistics[(COMPANY,)] == {"people": 12}
    assert table(period.but(program="superacion")).as_dict() == {(COURSES,): {"people": 2}}
    young = table(period.but(age_group="18-29")).as_dict()
    assert young[(TRANSVERSALIDAD,)] == {"people": 1}  # Ana
    assert young[(COMPANY,)] == {"people": 0}  # the visit records no age
    assert young[("Campaña",)] == {"people": 8}
    assert young[(COURSES,)] == {"people": 1}  # Xóchitl


def test_reach_by_sex_and_age_group(programs, period):
    assert get("program_reach_profile")(period).as_dict() == {
        ("Mujer", "18 a 29"): {"people": 7},  # Ana, 5 at the march, Xóchitl
        ("Mujer", "30 a 44"): {"people": 3},  # Bety, Elena, Wanda
        ("Mujer", "45 a 59"): {"people": 1},  # Flor
        ("Mujer", "Edad desconocida"): {"people": 10},  # the visit
        ("Hombre", "18 a 29"): {"people": 3},
        ("Hombre", "30 a 44"): {"people": 1},  # Carlos
    }
    statistics = get("program_reach_profile")(period, Rule.STATISTICS).as_dict()
    assert statistics[("Mujer", "18 a 29")] == {"people": 6}
    assert get("program_reach_profile")(period.but(program="campana")).as_dict() == {
        ("Mujer", "18 a 29"): {"people": 5},
        ("Hombre", "18 a 29"): {"people": 3},
    }


def test_completion_of_trainings_and_courses(programs, period):
    table = get("program_completion")
    assert table(period).as_dict() == {
        (TRANSVERSALIDAD,): {"enrolled": 4, "completed": 1, "percent": 25.0},
        (COMPANY,): {"enrolled": 2, "completed": 0, "percent": 0.0},
        (COURSES,): {"enrolled": 3, "completed": 1, "percent": 33.3},
    }
    assert table(period, Rule.STATISTICS).as_dict()[(COURSES,)] == {
        "enrolled": 1,
        "completed": 1,
        "percent": 100.0,
    }
    assert table(period.but(age_group="30-44")).as_dict() == {
        (TRANSVERSALIDAD,): {"enrolled": 2, "completed": 0, "percent": 0.0},  # Bety, Carlos
        (COMPANY,): {"enrolled": 1, "completed": 0, "percent": 0.0},  # Elena
        (COURSES,): {"enrolled": 1, "completed": 1, "percent": 100.0},  # Wanda
    }
    assert table(period.but(program="empresa")).as_dict() == {
        (COMPANY,): {"enrolled": 2, "completed": 0, "percent": 0.0}
    }
    # A period that ended before any of it: nothing ended in it.
    earlier = Filters(start=period.start - timedelta(days=60), end=period.start - timedelta(days=31))
    assert table(earlier).rows == []


def test_questionnaires_before_and_after_over_who_answered_both(programs, period):
    # Ana and Bety answered both: 1 + 0 of 4 right before (25 %), 2 + 1 of 4 after (75 %). Carlos only before.
    assert get("training_questionnaires")(period).as_dict() == {
        (TRANSVERSALIDAD,): {"answered": 2, "before": 25.0, "after": 75.0, "change": 50.0}
    }
    assert get("training_questionnaires")(period.but(age_group="18-29")).as_dict() == {
        (TRANSVERSALIDAD,): {"answered": 1, "before": 50.0, "after": 100.0, "change": 50.0}
    }
    assert get("training_questionnaires")(period.but(program="empresa")).rows == []


def test_course_outcomes(programs, period):
    table = get("course_outcomes")
    assert table(period).as_dict() == {
        ("Con empleo",): {"women": 1},
        ("Negocio propio",): {"women": 1},
        ("Continuó sus estudios",): {"women": 0},
        ("Otro",): {"women": 0},
        ("Sin registrar todavía",): {"women": 1},  # Yara
    }
    statistics = table(period, Rule.STATISTICS).as_dict()
    assert statistics[("Con empleo",)] == {"women": 1}
    assert statistics[("Sin registrar todavía",)] == {"women": 0}
    assert sum(v["women"] for v in table(period.but(program="transversalidad")).as_dict().values()) == 0
