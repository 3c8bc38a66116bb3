"""Social work: needs assessments, applications on her behalf with their outcome, orientation given.

The team reads levels, applications and topics; the notes are social work's (and the director's)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import CaseEvent, EventKind
from violeta.cases.services import case_close
from violeta.cases.tests.factories import CaseFactory
from violeta.socialwork import services
from violeta.socialwork.models import Application, NeedsAssessment, Orientation

SECRET = "NOTA-TS-5512"
TODAY = timezone.localdate


@pytest.fixture
def case(lawyer, psychologist, social_worker, receptionist):
    return CaseFactory(opened_by=lawyer, team=(psychologist, social_worker, receptionist))


def assess(case, by, **overrides):
    items = {
        "housing": ("urgent", SECRET),
        "income": ("some", ""),
        "health": ("none", ""),
        "school": ("some", "Dos hijos en primaria"),
        "documents": ("urgent", "Sin acta de nacimiento"),
    }
    items.update(overrides)
    return services.assessment_record(case=case, by=by, assessed_on=TODAY(), items=items)


def apply(case, by, **extra):
    data = {
        "kind": "scholarship",
        "program": "Beca Benito Juárez",
        "institution": "Coordinación Nacional de Becas",
        "status": "submitted",
        "submitted_on": TODAY() - datetime.timedelta(days=10),
        "notes": SECRET,
    }
    data.update(extra)
    return services.application_create(case=case, by=by, **data)


def test_social_worker_records_assessment_applications_and_orientation(case, social_worker):
    assessment = assess(case, social_worker)
    assert dict(assessment.items.values_list("dimension", "level")) == {
        "housing": "urgent",
        "income": "some",
        "health": "none",
        "school": "some",
        "documents": "urgent",
    }
    application = apply(case, social_worker)
    services.application_outcome(
        application=application,
        by=social_worker,
        status="approved",
        outcome_on=TODAY(),
        notes="Primer pago en enero",
    )
    application.refresh_from_db()
    assert application.status == "approved" and application.outcome_on == TODAY()
    assert SECRET in application.notes and "Primer pago" in application.notes
    rejected = apply(
        case, social_worker, kind="program", program="Mujeres PCD", status="pending", submitted_on=None
    )
    services.application_outcome(
        application=rejected,
        by=social_worker,
        status="rejected",
        submitted_on=TODAY() - datetime.timedelta(days=3),
        outcome_on=TODAY(),
    )
    rejected.refresh_from_db()
    assert rejected.status == "rejected" and rejected.submitted_on == TODAY() - datetime.timedelta(days=3)
    with pytest.raises(ValidationError):
        services.application_outcome(
            application=rejected, by=social_worker, status="approved", outcome_on=TODAY()
        )
    services.orientation_record(
        case=case, by=social_worker, topic="documents", given_on=TODAY(), notes=SECRET
    )
    events = list(
        CaseEvent.objects.filter(case=case, kind=EventKind.SOCIAL_WORK).values_list("description", flat=True)
    )
    assert len(events) == 6
    assert not any(SECRET in e or "Primer pago" in e for e in events)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"program": "  "}, "program"),
        ({"institution": ""}, "institution"),
        ({"status": "submitted", "submitted_on": None}, "submitted_on"),
        ({"submitted_on": TODAY() + datetime.timedelta(days=2)}, "submitted_on"),
        ({"status": "approved"}, "status"),
    ],
)
def test_bad_applications_are_refused_and_nothing_stored(case, social_worker, extra, field):
    with pytest.raises(ValidationError) as exc:
        apply(case, social_worker, **extra)
    assert field in exc.value.message_dict
    assert not Application.objects.exists()


def test_bad_outcomes_are_refused(case, social_worker):
    application = apply(case, social_worker)
    for kwargs in (
        {"status": "approved", "outcome_on": None},
        {"status": "approved", "outcome_on": TODAY() + datetime.timedelta(days=1)},
        {
            "status": "rejected",
            "outcome_on": TODAY() - datetime.timedelta(days=30),
        },  # before it was submitted
        {"status": "pending", "outcome_on": TODAY()},
    ):
        with pytest.raises(ValidationError):
            services.application_outcome(application=application, by=social_worker, **kwargs)
    application.refresh_from_db()
    assert application.status == "submitted" and application.outcome_on is None


def test_assessment_needs_every_level(case, social_worker):
    with pytest.raises(ValidationError) as exc:
        assess(case, social_worker, housing=("", ""), health=("muchísima", ""))
    assert {"housing_level", "health_level"} <= set(exc.value.message_dict)
    assert not NeedsAssessment.objects.exists()


def test_only_social_work_on_the_team_writes(case, lawyer, psychologist, receptionist, social_worker):
    for user in (lawyer, psychologist, receptionist):
        with pytest.raises(PermissionDenied):
            assess(case, user)
        with pytest.raises(PermissionDenied):
            services.orientation_record(case=case, by=user, topic="rights", given_on=TODAY())
    other = CaseFactory(opened_by=lawyer)
    with pytest.raises(PermissionDenied):
        apply(other, social_worker)
    case_close(case=case, by=lawyer, reason="concluded")
    with pytest.raises(ValidationError):
        assess(case, social_worker)


def test_team_reads_applications_but_not_notes(client, case, lawyer, social_worker, director):
    assess(case, social_worker)
    apply(case, social_worker)
    services.orientation_record(
        case=case, by=social_worker, topic="documents", given_on=TODAY(), notes=SECRET
    )
    url = reverse("socialwork:case", kwargs={"folio": case.folio})
    client.force_login(lawyer)
    body = client.get(url).content.decode()
    assert "Beca Benito Juárez" in body and "Coordinación Nacional de Becas" in body
    assert SECRET not in body and "Sin acta de nacimiento" not in body
    detail = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert SECRET not in detail
    assert reverse("socialwork:case", kwargs={"folio": case.folio}) in detail
    for user in (social_worker, director):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert SECRET in body and "Sin acta de nacimiento" in body
        assert AuditEvent.objects.filter(
            actor=user, action=Action.VIEW, case_id=case.pk, detail="notas de trabajo social"
        ).exists()


def test_forms_reject_bad_input_in_spanish_and_store_nothing(client, case, social_worker):
    client.force_login(social_worker)
    url = reverse("socialwork:application_create", kwargs={"folio": case.folio})
    data = {
        "kind": "scholarship",
        "program": "Beca",
        "institution": "SEP",
        "status": "submitted",
        "submitted_on": "",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="es-mx")
    assert response.status_code == 200
    assert "Indique la fecha en que se entregó." in response.content.decode()
    assert not Application.objects.exists()
    data["submitted_on"] = TODAY().isoformat()
    assert client.post(url, data).status_code == 302
    application = Application.objects.get()

    outcome = reverse("socialwork:application_outcome", kwargs={"folio": case.folio})
    client.post(outcome, {"application": application.pk, "status": "approved", "outcome_on": ""})
    application.refresh_from_db()
    assert application.status == "submitted"
    client.post(
        outcome, {"application": application.pk, "status": "approved", "outcome_on": TODAY().isoformat()}
    )
    application.refresh_from_db()
    assert application.status == "approved"

    url = reverse("socialwork:assessment_create", kwargs={"folio": case.folio})
    response = client.post(url, {"assessed_on": TODAY().isoformat()}, HTTP_ACCEPT_LANGUAGE="es-mx")
    assert response.status_code == 200 and "Este campo es obligatorio." in response.content.decode()
    assert not NeedsAssessment.objects.exists()
    data = {"assessed_on": TODAY().isoformat()}
    for d in ("housing", "income", "health", "school", "documents"):
        data[f"{d}_level"] = "some"
    assert client.post(url, data).status_code == 302
    assert NeedsAssessment.objects.get().items.count() == 5

    url = reverse("socialwork:orientation_create", kwargs={"folio": case.folio})
    future = (TODAY() + datetime.timedelta(days=5)).isoformat()
    response = client.post(url, {"topic": "rights", "given_on": future}, HTTP_ACCEPT_LANGUAGE="es-mx")
    assert "La orientación no puede tener fecha futura." in response.content.decode()
    assert not Orientation.objects.exists()


def test_outcome_of_another_case_application_is_refused(client, case, lawyer, social_worker):
    other = CaseFactory(opened_by=lawyer, team=(social_worker,))
    foreign = apply(other, social_worker)
    client.force_login(social_worker)
    client.post(
        reverse("socialwork:application_outcome", kwargs={"folio": case.folio}),
        {"application": foreign.pk, "status": "approved", "outcome_on": TODAY().isoformat()},
    )
    foreign.refresh_from_db()
    assert foreign.status == "submitted"


def test_page_queries_do_not_grow(client, case, social_worker, lawyer, django_assert_max_num_queries):
    assess(case, social_worker)
    apply(case, social_worker)
    client.force_login(social_worker)
    urls = [
        reverse("socialwork:case", kwargs={"folio": case.folio}),
        reverse("cases:detail", kwargs={"folio": case.folio}),
    ]
    baseline = []
    for url in urls:
        # 30, three for her flags in the case page's header (people.flags), and the case plan's section and the
        # institute's own fields (Datos adicionales) on the case page: none of them grows with the records
        with django_assert_max_num_queries(38) as few:
            assert client.get(url).status_code == 200
        baseline.append(len(few.captured_queries))
    for n in range(15):
        assess(case, social_worker)
        apply(case, social_worker, program=f"Programa {n}")
        services.orientation_record(case=case, by=social_worker, topic="rights", given_on=TODAY())
    for url, limit in zip(urls, baseline, strict=True):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_open_applications_list_the_waiting_ones_on_her_cases(
    client, case, lawyer, social_worker, coordinator, django_assert_max_num_queries
):
    waiting = apply(case, social_worker)
    done = apply(case, social_worker, program="Otra")
    services.application_outcome(application=done, by=social_worker, status="approved", outcome_on=TODAY())
    elsewhere = CaseFactory(opened_by=lawyer)
    client.force_login(social_worker)
    url = reverse("socialwork:open_applications")
    with django_assert_max_num_queries(20) as few:
        response = client.get(url)
    assert list(response.context["page"].object_list) == [waiting]
    for n in range(10):
        apply(CaseFactory(opened_by=lawyer, team=(social_worker,)), social_worker, program=f"P{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 11
    assert elsewhere.pk not in {a.case_id for a in response.context["page"].object_list}
    client.force_login(coordinator)  # the legal area's coordinator
    assert client.get(url).status_code == 404


def test_the_open_applications_selector_audits_the_page_it_returns(case, lawyer, social_worker):
    """open_applications_for_user returns the page and audits its cases itself (the view cannot forget)."""
    from violeta.socialwork.selectors import open_applications_for_user

    apply(case, social_worker)
    for n in range(2):
        apply(CaseFactory(opened_by=lawyer, team=(social_worker,)), social_worker, program=f"P{n}")
    page = open_applications_for_user(social_worker, page=1, per_page=2)
    events = AuditEvent.objects.filter(
        actor=social_worker, action=Action.VIEW, detail="solicitudes en trámite"
    )
    assert page.paginator.count == 3
    assert sorted(events.values_list("case_id", flat=True)) == sorted(a.case_id for a in page.object_list)


def test_reading_the_notes_is_audited_by_the_selector(case, lawyer, social_worker):
    from violeta.socialwork.selectors import socialwork_notes_shown

    notes = AuditEvent.objects.filter(action=Action.VIEW, case_id=case.pk, detail="notas de trabajo social")
    assert socialwork_notes_shown(lawyer, case) is False
    assert not notes.exists()
    assert socialwork_notes_shown(social_worker, case) is True
    assert notes.filter(actor=social_worker).count() == 1
