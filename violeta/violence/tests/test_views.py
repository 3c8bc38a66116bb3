from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.notifications.models import Notification
from violeta.violence.models import ProtectionOrder, RiskAssessment, ViolenceIncident
from violeta.violence.services.safety_plan import safety_plan_save
from violeta.violence.tests.factories import assess, epv_r, granted_order, made_up_instrument, record_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer, psychologist, receptionist):
    return CaseFactory(opened_by=lawyer, team=(psychologist, receptionist))


def url(name, case, **kw):
    return reverse(f"violence:{name}", kwargs={"folio": case.folio, **kw})


def epv_post(instrument, yes=(), unknown=(), **extra):
    data = {"instrument": instrument.pk}
    for item in instrument.items:
        code = item["code"]
        data[f"item_{code}"] = "yes" if code in yes else "unknown" if code in unknown else "no"
    data.update(extra)
    return data


def test_done_when_lawyer_records_assesses_overrides_and_coordinator_sees_priority(
    client, case, lawyer, coordinator
):
    client.force_login(lawyer)
    response = client.post(
        url("incident_create", case),
        {
            "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "date_precision": "exact",
            "types": ["physical", "psychological"],
            "modality": "family",
            "place_kind": "shared_home",
            "narrative": "Le quitó el teléfono y la golpeó.",
            "injuries": "minor",
        },
    )
    assert response.status_code == 302
    incident = ViolenceIncident.objects.get(case=case)
    assert incident.types == ["physical", "psychological"] and incident.modality == "family"

    instrument = epv_r()
    # an override without a reason is refused with a Spanish message, nothing stored
    response = client.post(
        url("assessment_create", case), epv_post(instrument, yes=("1", "2"), final_level="high")
    )
    assert response.status_code == 200
    assert "Explique por qué el nivel final" in response.content.decode()
    assert not RiskAssessment.objects.exists()
    response = client.post(
        url("assessment_create", case),
        epv_post(
            instrument, yes=("1", "2"), final_level="high", override_reason="La amenazó con un cuchillo ayer."
        ),
    )
    assessment = RiskAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("assessment_detail", case, pk=assessment.pk)
    assert assessment.computed_level == "low" and assessment.final_level == "high"

    client.force_login(coordinator)
    page = client.get(reverse("cases:list") + "?scope=all&status=active").content.decode()
    assert case.folio in page and "Prioritario" in page
    detail = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Prioritario" in detail
    assert "Violencia, riesgo y protección" in detail
    assert "no hay plan de seguridad" in detail.lower()
    assert Notification.objects.filter(recipient=coordinator, kind="violence.risk_high").exists()


def test_unanswered_items_are_asked_for(client, case, psychologist):
    client.force_login(psychologist)
    instrument = epv_r()
    data = epv_post(instrument)
    del data["item_7"]
    response = client.post(url("assessment_create", case), data)
    assert response.status_code == 200
    assert "Desconocido" in response.content.decode()
    assert not RiskAssessment.objects.exists()


def test_assessment_form_shows_the_unverified_weights_warning(client, case, psychologist):
    client.force_login(psychologist)
    page = client.get(url("assessment_create", case)).content.decode()
    assert "no se han verificado" in page
    assert "Acta de Investigación Psicológica" in page


def test_order_near_expiry_is_listed_and_reminded(client, case, lawyer, coordinator):
    soon = granted_order(case, lawyer, granted_days_ago=55, lasts=60)  # 5 days left
    later = granted_order(case, lawyer, granted_days_ago=1, lasts=60)
    other_case = CaseFactory(opened_by=coordinator)  # not the lawyer's
    granted_order(other_case, coordinator, granted_days_ago=58, lasts=60)
    client.force_login(lawyer)
    response = client.get(reverse("violence:expiring"))
    orders = list(response.context["orders"])
    assert orders == [soon]
    assert later not in orders
    assert Notification.objects.filter(recipient=lawyer, key=f"violence.order:{soon.pk}:7d").exists()
    response = client.get(reverse("violence:expiring") + "?days=90")
    assert later in response.context["orders"]


def test_order_form_refuses_more_than_60_days(client, case, lawyer):
    client.force_login(lawyer)
    today = timezone.localdate()
    response = client.post(
        url("order_create", case),
        {
            "kind": "judicial",
            "authority": "Juzgado Primero Familiar",
            "status": "granted",
            "requested_on": today.isoformat(),
            "granted_on": today.isoformat(),
            "expires_on": (today + timedelta(days=75)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "60 días" in response.content.decode()
    assert not ProtectionOrder.objects.exists()


def test_safety_plan_print_needs_confirmation_and_is_audited(client, case, psychologist):
    safety_plan_save(case=case, by=psychologist, code_word="girasol")
    client.force_login(psychologist)
    page = client.get(url("safety_plan_print", case)).content.decode()
    assert "girasol" not in page
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
    page = client.post(url("safety_plan_print", case), {"confirm": "yes"}).content.decode()
    assert "girasol" in page
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor=psychologist, case_id=case.pk).count() == 1


def test_reception_on_the_team_sees_no_violence_records(client, case, lawyer, receptionist):
    record_incident(case, lawyer, narrative="Relato confidencial del hecho.")
    safety_plan_save(case=case, by=lawyer, code_word="girasol")
    client.force_login(receptionist)
    detail = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Violencia, riesgo y protección" not in detail
    assert client.get(url("safety_plan", case)).status_code == 404


def test_outside_the_team_everything_is_404_and_audited(client, case, lawyer, outsider, social_worker):
    incident = record_incident(case, lawyer)
    assessment = assess(case, lawyer, epv_r(), yes=("1",))
    order = granted_order(case, lawyer, granted_days_ago=57)
    urls = [
        url("incident_detail", case, pk=incident.pk),
        url("assessment_detail", case, pk=assessment.pk),
        url("order_edit", case, pk=order.pk),
        url("safety_plan", case),
        url("incident_create", case),
    ]
    for persona in (outsider, social_worker):
        client.force_login(persona)
        for address in urls:
            assert client.get(address).status_code == 404, address
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=persona).count() == len(urls)
    client.force_login(outsider)
    assert order not in client.get(reverse("violence:expiring") + "?days=30").context["orders"]


def test_object_of_another_case_is_404(client, case, lawyer):
    other = CaseFactory(opened_by=lawyer)
    incident = record_incident(other, lawyer)
    client.force_login(lawyer)
    assert client.get(url("incident_detail", case, pk=incident.pk)).status_code == 404


def test_case_page_queries_do_not_grow_with_violence_records(
    client, case, lawyer, django_assert_max_num_queries
):
    client.force_login(lawyer)
    address = reverse("cases:detail", kwargs={"folio": case.folio})
    client.get(address)
    instrument = epv_r()
    for n in range(6):
        record_incident(case, lawyer)
        assess(case, lawyer, instrument, yes=("1", "2")[: n % 3])
        granted_order(case, lawyer, granted_days_ago=n + 1)
    safety_plan_save(case=case, by=lawyer, code_word="girasol")
    # 32; two for the case plan and its approvals' section, two for the institute's own fields (Datos
    # adicionales), three for her flags beside her name (people.flags): none grows with the case's size
    with django_assert_max_num_queries(39):
        response = client.get(address)
    assert response.status_code == 200
    assert response.content.decode().count("violencia/") > 10


def test_expiring_list_query_count(client, lawyer, django_assert_max_num_queries):
    for _ in range(5):
        case = CaseFactory(opened_by=lawyer)
        granted_order(case, lawyer, granted_days_ago=55)
    client.force_login(lawyer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("violence:expiring"))
    assert len(response.context["orders"]) == 5


def test_a_second_instrument_loaded_as_data_is_offered_and_scored(client, case, psychologist):
    instrument = made_up_instrument()
    client.force_login(psychologist)
    page = client.get(url("assessment_create", case) + f"?instrumento={instrument.pk}").content.decode()
    assert "Tercera pregunta" in page and "Extremo" in page
    data = {"instrument": instrument.pk, "item_a": "no", "item_b": "no", "item_c": "yes"}
    assert client.post(url("assessment_create", case), data).status_code == 302
    assessment = RiskAssessment.objects.get(instrument=instrument)
    assert (assessment.score, assessment.computed_level, assessment.final_level) == (
        3,
        "moderate",
        "moderate",
    )
    case.refresh_from_db()
    assert not case.is_priority
    data["item_b"] = "yes"
    client.post(url("assessment_create", case), data)
    case.refresh_from_db()
    assert case.is_priority  # 5 points: "high", an alarm level of that instrument


def test_too_many_unknowns_ask_for_the_professionals_level(client, case, psychologist):
    instrument = epv_r()
    client.force_login(psychologist)
    unknown = [item["code"] for item in instrument.items][: instrument.unknown_policy["max_unknown"] + 1]
    response = client.post(url("assessment_create", case), epv_post(instrument, unknown=unknown))
    assert response.status_code == 200
    assert "demasiadas respuestas desconocidas" in response.content.decode()
    assert not RiskAssessment.objects.exists()
    client.post(
        url("assessment_create", case),
        epv_post(instrument, unknown=unknown, final_level="moderate", override_reason="No quiso responder."),
    )
    assessment = RiskAssessment.objects.get()
    assert assessment.incomplete and assessment.computed_level == "" and assessment.final_level == "moderate"


def test_printed_plan_carries_no_institute_name_or_folio(client, case, psychologist):
    safety_plan_save(case=case, by=psychologist, code_word="girasol")
    client.force_login(psychologist)
    page = client.post(url("safety_plan_print", case), {"confirm": "yes"}).content.decode()
    assert "girasol" in page
    assert case.folio not in page.replace(url("safety_plan", case), "")
    assert "Instituto" not in page and "Violeta" not in page


def test_incident_links_the_case_aggressors(client, case, lawyer):
    from violeta.violence.services.incidents import aggressor_record

    client.force_login(lawyer)
    assert "aggressors" not in client.get(url("incident_create", case)).context["form"].fields
    aggressor = aggressor_record(case=case, by=lawyer, relationship="ex_partner")
    response = client.post(
        url("incident_create", case),
        {
            "occurred_on": timezone.localdate().isoformat(),
            "date_precision": "approximate",
            "types": ["economic"],
            "modality": "family",
            "place_kind": "her_home",
            "narrative": "No le da dinero para los gastos de sus hijos.",
            "injuries": "none",
            "aggressors": [aggressor.pk],
        },
    )
    assert response.status_code == 302
    assert list(ViolenceIncident.objects.get().aggressors.all()) == [aggressor]


def test_an_incident_dated_in_the_future_is_refused_on_the_field(client, case, lawyer):
    client.force_login(lawyer)
    response = client.post(
        url("incident_create", case),
        {
            "occurred_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "date_precision": "exact",
            "types": ["physical"],
            "modality": "family",
            "place_kind": "shared_home",
            "narrative": "La golpeó.",
            "injuries": "none",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("occurred_on")
    assert not ViolenceIncident.objects.filter(case=case).exists()
