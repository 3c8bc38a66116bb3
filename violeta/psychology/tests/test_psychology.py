"""Psychological care: the plan, its goals and sessions are psychology's; the rest of the team only learns she is
attended. Scales are scored into bands from their data; the discharge closes the plan."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import CaseEvent, Consultation, EventKind
from violeta.cases.services import case_close
from violeta.cases.tests.factories import CaseFactory
from violeta.psychology import services
from violeta.psychology.models import PlanStatus, Scale, ScaleBand, ScaleResult, TherapySession, TreatmentPlan

SECRET_FOCUS = "FOCO-CLINICO-4471"
SECRET_GOAL = "OBJETIVO-SECRETO-88"
SECRET_NOTE = "EVOLUCION-PRIVADA-2093"


@pytest.fixture
def case(lawyer, psychologist, social_worker):
    return CaseFactory(opened_by=lawyer, team=(psychologist, social_worker))


def start_plan(case, psychologist, goals=(SECRET_GOAL, "Reconocer señales de riesgo")):
    return services.plan_create(
        case=case,
        by=psychologist,
        focus=SECRET_FOCUS,
        approach="trauma",
        frequency="weekly",
        started_on=timezone.localdate(),
        goals=list(goals),
    )


def record_session(case, psychologist, note=SECRET_NOTE):
    return services.session_record(
        case=case,
        by=psychologist,
        modality="in_person",
        started_at=timezone.now() - datetime.timedelta(hours=1),
        duration_minutes=50,
        summary="Acudió a sesión; continúa el proceso.",
        progress_note=note,
    )


def test_psychologist_keeps_a_plan_with_goals_and_sessions(case, psychologist):
    plan = start_plan(case, psychologist)
    session = record_session(case, psychologist)
    assert [g.description for g in plan.goals.all()] == [SECRET_GOAL, "Reconocer señales de riesgo"]
    assert session.plan == plan
    assert session.consultation.area.code == "psicologia"
    assert session.consultation.attended_by == psychologist
    goal = plan.goals.first()
    services.goal_status_set(goal=goal, by=psychologist, status="in_progress")
    services.goal_add(plan=plan, by=psychologist, description="Fortalecer red de apoyo")
    assert list(plan.goals.values_list("status", flat=True)) == ["in_progress", "pending", "pending"]
    # the timeline says psychology acts, never what
    events = CaseEvent.objects.filter(case=case, kind=EventKind.PSYCHOLOGY)
    assert events.count() == 1
    assert all(SECRET_FOCUS not in e.description and SECRET_GOAL not in e.description for e in events)
    # encrypted at rest
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT progress_note FROM psychology_therapysession WHERE id = %s", [session.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("v1:") and SECRET_NOTE not in raw


def test_only_one_plan_in_treatment_and_bad_input_is_refused_in_spanish(case, psychologist, settings):
    settings.LANGUAGE_CODE = "es-mx"
    start_plan(case, psychologist)
    with pytest.raises(ValidationError) as exc:
        start_plan(case, psychologist)
    assert exc.value.code == "plan_active_exists"
    other = CaseFactory(opened_by=psychologist)
    with pytest.raises(ValidationError) as exc:
        start_plan(other, psychologist, goals=("  ", ""))
    assert "goals" in exc.value.message_dict
    assert TreatmentPlan.objects.filter(case=other).count() == 0


def test_others_on_the_team_cannot_write_psychology(case, lawyer, social_worker):
    for user in (lawyer, social_worker):
        with pytest.raises(PermissionDenied):
            start_plan(case, user)
    assert not TreatmentPlan.objects.exists()


def test_lawyer_on_the_case_gets_404_and_sees_no_content(client, case, lawyer, psychologist):
    start_plan(case, psychologist)
    record_session(case, psychologist)
    client.force_login(lawyer)
    for name in (
        "psychology:plan",
        "psychology:session_create",
        "psychology:discharge",
        "psychology:scale_apply",
    ):
        response = client.get(reverse(name, kwargs={"folio": case.folio}))
        assert response.status_code == 404, name
    denial = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=lawyer).latest("id")
    assert denial.case_id == case.pk and denial.flagged
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Psychology attends her" in page or "Psicología la atiende" in page
    for secret in (SECRET_FOCUS, SECRET_GOAL, SECRET_NOTE):
        assert secret not in page
    assert reverse("psychology:plan", kwargs={"folio": case.folio}) not in page


def test_psychologist_and_director_read_the_plan_and_it_is_audited(
    client, case, psychologist, director, django_assert_max_num_queries
):
    start_plan(case, psychologist)
    for _ in range(3):
        record_session(case, psychologist)
    url = reverse("psychology:plan", kwargs={"folio": case.folio})
    for user in (psychologist, director):
        client.force_login(user)
        with django_assert_max_num_queries(30) as few:
            response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200
        assert SECRET_FOCUS in body and SECRET_GOAL in body and SECRET_NOTE in body
        assert AuditEvent.objects.filter(
            actor=user, action=Action.VIEW, object_type="psychology.treatmentplan", case_id=case.pk
        ).exists()
    for _ in range(20):
        record_session(case, psychologist)
    services.scale_apply(
        case=case,
        by=psychologist,
        scale=Scale.objects.get(code="gad-7"),
        answers=[1] * 7,
        applied_on=timezone.localdate(),
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_psychology_coordinator_reads_and_a_psychologist_off_the_team_does_not(
    client, case, psychologist, psychology_coordinator
):
    start_plan(case, psychologist)
    client.force_login(psychology_coordinator)
    assert client.get(reverse("psychology:plan", kwargs={"folio": case.folio})).status_code == 200
    other = CaseFactory(opened_by=psychology_coordinator)
    client.force_login(psychologist)
    assert client.get(reverse("psychology:plan", kwargs={"folio": other.folio})).status_code == 404


@pytest.mark.parametrize(
    ("code", "answers", "score", "band"),
    [
        ("phq-9", [0] * 9, 0, "Mínima"),
        ("phq-9", [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "Leve"),
        ("phq-9", [2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "Moderada"),
        ("phq-9", [2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "Moderadamente grave"),
        ("phq-9", [3] * 9, 27, "Grave"),
        ("gad-7", [3, 3, 3, 3, 3, 0, 0], 15, "Grave"),
        ("gad-7", [2, 2, 0, 0, 0, 0, 0], 4, "Mínima"),
    ],
)
def test_scales_are_scored_into_bands_from_their_data(case, psychologist, code, answers, score, band):
    result = services.scale_apply(
        case=case,
        by=psychologist,
        scale=Scale.objects.get(code=code),
        answers=answers,
        applied_on=timezone.localdate(),
    )
    assert (result.score, result.band) == (score, band)


def test_a_scale_added_as_data_is_scored_by_its_own_bands(case, psychologist):
    scale = Scale.objects.create(code="prueba", name="Escala de prueba", item_count=2, item_min=1, item_max=5)
    ScaleBand.objects.bulk_create(
        [
            ScaleBand(scale=scale, min_score=2, max_score=6, label="Baja"),
            ScaleBand(scale=scale, min_score=7, max_score=10, label="Alta"),
        ]
    )
    result = services.scale_apply(
        case=case, by=psychologist, scale=scale, answers=[5, 3], applied_on=timezone.localdate()
    )
    assert (result.score, result.band) == (8, "Alta")


@pytest.mark.parametrize("answers", [[1] * 8, [1] * 10, [4, 0, 0, 0, 0, 0, 0, 0, 0], [-1] + [0] * 8])
def test_bad_scale_answers_are_refused_and_nothing_stored(case, psychologist, answers):
    with pytest.raises(ValidationError):
        services.scale_apply(
            case=case,
            by=psychologist,
            scale=Scale.objects.get(code="phq-9"),
            answers=answers,
            applied_on=timezone.localdate(),
        )
    assert not ScaleResult.objects.exists()


def test_scale_form_rejects_out_of_range_answers_in_spanish(client, case, psychologist):
    client.force_login(psychologist)
    url = reverse("psychology:scale_apply", kwargs={"folio": case.folio})
    data = {"scale": "gad-7", "applied_on": timezone.localdate().isoformat()}
    data.update({f"item_{n}": 1 for n in range(1, 8)})
    data["item_3"] = 7
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="es-mx")
    assert response.status_code == 200
    assert "menor o igual a 3" in response.content.decode()
    assert not ScaleResult.objects.exists()
    data["item_3"] = 2
    response = client.post(url, data)
    assert response.status_code == 302
    assert ScaleResult.objects.get().score == 8


def test_discharge_closes_the_plan_and_a_new_one_may_start(client, case, psychologist):
    plan = start_plan(case, psychologist)
    client.force_login(psychologist)
    url = reverse("psychology:discharge", kwargs={"folio": case.folio})
    response = client.post(
        url, {"reason": "goals_met", "ended_on": timezone.localdate().isoformat(), "summary": ""}
    )
    assert response.status_code == 200  # the summary is required
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    response = client.post(
        url,
        {
            "reason": "goals_met",
            "ended_on": timezone.localdate().isoformat(),
            "summary": "Logró sus objetivos.",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DISCHARGED and plan.ended_on == timezone.localdate()
    assert plan.discharge_summary == "Logró sus objetivos."
    with pytest.raises(ValidationError):
        services.goal_add(plan=plan, by=psychologist, description="otro")
    with pytest.raises(ValidationError):
        services.plan_discharge(
            plan=plan, by=psychologist, reason="other", summary="x", ended_on=timezone.localdate()
        )
    # a session after the discharge belongs to no plan; a new plan can start
    assert record_session(case, psychologist).plan is None
    assert start_plan(case, psychologist).status == PlanStatus.ACTIVE
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PSYCHOLOGY).count() == 3


def test_session_form_records_consultation_and_note(client, case, psychologist):
    client.force_login(psychologist)
    url = reverse("psychology:session_create", kwargs={"folio": case.folio})
    started = timezone.localtime() - datetime.timedelta(hours=2)
    data = {
        "modality": "video",
        "started_at": started.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 50,
        "summary": "Sesión de seguimiento.",
        "progress_note": "",
    }
    assert client.post(url, data).status_code == 200
    assert not Consultation.objects.exists()
    data["progress_note"] = SECRET_NOTE
    assert client.post(url, data).status_code == 302
    session = TherapySession.objects.get()
    assert session.progress_note == SECRET_NOTE and session.consultation.modality == "video"


def test_plan_form_and_goals_from_the_page(client, case, psychologist):
    client.force_login(psychologist)
    url = reverse("psychology:plan_create", kwargs={"folio": case.folio})
    data = {
        "focus": SECRET_FOCUS,
        "approach": "cbt",
        "frequency": "weekly",
        "started_on": timezone.localdate().isoformat(),
    }
    assert client.post(url, {**data, "goals": " \n "}).status_code == 200
    assert not TreatmentPlan.objects.exists()
    assert client.post(url, {**data, "goals": "Uno\nDos\n"}).status_code == 302
    plan = TreatmentPlan.objects.get()
    assert plan.goals.count() == 2
    goal = plan.goals.first()
    client.post(
        reverse("psychology:goal_status", kwargs={"folio": case.folio}),
        {"goal": goal.pk, "status": "achieved"},
    )
    client.post(reverse("psychology:goal_add", kwargs={"folio": case.folio}), {"description": "Tres"})
    goal.refresh_from_db()
    assert goal.status == "achieved" and plan.goals.count() == 3


def test_closed_case_takes_no_new_plan(case, psychologist, lawyer):
    case_close(case=case, by=lawyer, reason="concluded")
    with pytest.raises(ValidationError):
        start_plan(case, psychologist)


def test_case_page_queries_stay_bounded_with_psychology(
    client, case, psychologist, django_assert_max_num_queries
):
    start_plan(case, psychologist)
    client.force_login(psychologist)
    url = reverse("cases:detail", kwargs={"folio": case.folio})
    # 30, and the timeline's section rule for psychology (its area and team) asked once more, three for her flags
    # in the header (people.flags), two for the case plan's section, two for the institute's own fields
    with django_assert_max_num_queries(39) as few:
        assert client.get(url).status_code == 200
    for _ in range(10):
        record_session(case, psychologist)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_my_plans_lists_her_women_in_treatment_with_bounded_queries(
    client, lawyer, psychologist, psychology_coordinator, django_assert_max_num_queries
):
    from violeta.cases.tests.factories import StaffFactory

    colleague = StaffFactory(role="psychology", area=psychologist.area)
    mine = CaseFactory(opened_by=lawyer, team=(psychologist,))
    theirs = CaseFactory(opened_by=lawyer, team=(colleague,))
    start_plan(mine, psychologist)
    start_plan(theirs, colleague)
    record_session(mine, psychologist)
    client.force_login(psychologist)
    url = reverse("psychology:my_plans")
    with django_assert_max_num_queries(20) as few:
        response = client.get(url)
    assert [p.case for p in response.context["page"].object_list] == [mine]
    assert response.context["page"].object_list[0].n_sessions == 1
    for _ in range(8):
        case = CaseFactory(opened_by=lawyer, team=(psychologist,))
        start_plan(case, psychologist)
        record_session(case, psychologist)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 9
    assert AuditEvent.objects.filter(actor=psychologist, detail="planes de tratamiento").count() == 10
    client.force_login(psychology_coordinator)
    assert client.get(url).context["page"].paginator.count == 10


def test_plan_update_changes_approach_and_frequency_only_while_in_treatment(
    client, case, psychologist, lawyer
):
    plan = start_plan(case, psychologist)
    client.force_login(lawyer)
    url = reverse("psychology:plan_update", kwargs={"folio": case.folio})
    assert client.post(url, {"focus": "x", "approach": "cbt", "frequency": "monthly"}).status_code == 404
    client.force_login(psychologist)
    assert SECRET_FOCUS in client.get(url).content.decode()  # the form starts from the plan
    assert client.post(url, {"focus": "", "approach": "cbt", "frequency": "monthly"}).status_code == 200
    response = client.post(url, {"focus": "Nuevo foco", "approach": "cbt", "frequency": "monthly"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.focus, plan.approach, plan.frequency) == ("Nuevo foco", "cbt", "monthly")
    services.plan_discharge(
        plan=plan, by=psychologist, reason="goals_met", summary="Bien.", ended_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, by=psychologist, focus="otro", approach="cbt", frequency="weekly")


def test_the_plans_selector_audits_the_page_it_returns(lawyer, psychologist):
    """plans_for_user returns the page and audits its cases itself: one VIEW line per woman on the page."""
    from violeta.psychology.selectors import plans_for_user

    for _ in range(3):
        start_plan(CaseFactory(opened_by=lawyer, team=(psychologist,)), psychologist)
    page = plans_for_user(psychologist, page=1, per_page=2)
    events = AuditEvent.objects.filter(actor=psychologist, action=Action.VIEW, detail="planes de tratamiento")
    assert page.paginator.count == 3
    assert sorted(events.values_list("case_id", flat=True)) == sorted(p.case_id for p in page.object_list)
