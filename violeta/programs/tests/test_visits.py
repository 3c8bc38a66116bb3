"""IMM en tu empresa visits: the consultations given at a company are written in each woman's case file (modality
"at her workplace") by the area that gave them; the visit keeps only how many, and program staff never see who."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case, Consultation, Modality
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_views import intake_data
from violeta.people.tests.factories import PersonFactory
from violeta.programs import visit_selectors, visits
from violeta.programs.models import CompanyVisit, OrganizationKind, VisitConsultation
from violeta.programs.tests import factories

pytestmark = pytest.mark.django_db


def now_minute():
    """Now, to the minute: a consultation of today's visit, never in the future."""
    return timezone.localtime().replace(second=0, microsecond=0)


def consultation_data(folio, **overrides):
    data = {
        "folio": folio,
        "started_at": now_minute().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "summary": "Orientación sobre sus derechos laborales y la pensión alimenticia.",
    }
    data.update(overrides)
    return data


def test_a_visit_to_a_grupo_index_company_records_two_consultations_in_the_womens_case_files(
    client, trainer, lawyer, psychologist
):
    company = factories.company(trainer, name="Ensambles Electrónicos de Chihuahua")
    # The trainer records the visit: a talk, legal advice and psychology, 35 women at the talk.
    client.force_login(trainer)
    response = client.post(
        reverse("programs:visit_create"),
        {
            "organization": company.pk,
            "visited_on": timezone.localdate().isoformat(),
            "offered": ["offered_talk", "offered_legal", "offered_psychology"],
            "women_reached": "35",
            "notes": "Plática en el comedor del turno matutino.",
        },
    )
    visit = CompanyVisit.objects.get()
    assert response["Location"] == reverse("programs:visit_detail", args=[visit.pk])
    assert visit.offered_talk and visit.offered_legal and visit.offered_psychology

    # One woman already has a case file: her lawyer records the consultation by its folio.
    known = PersonFactory(given_names="Maricela", first_surname="Holguín", second_surname="Páez")
    her_case = CaseFactory(opened_by=lawyer, holder=known)
    client.force_login(lawyer)
    url = reverse("programs:visit_consultation_create", args=[visit.pk])
    assert client.post(url, consultation_data(her_case.folio.lower()))["Location"] == url

    # The other is new to the institute: the psychologist does her first interview (with its duplicate check),
    # then records the consultation at the visit with the new folio.
    client.force_login(psychologist)
    response = client.post(
        reverse("cases:intake"),
        intake_data(
            **{
                "p-given_names": "Yadira",
                "p-first_surname": "Ontiveros",
                "c-arrival_channel": "company",
                "c-arrival_detail": company.name,
            }
        ),
    )
    new_case = Case.objects.get(holder__given_names="Yadira")
    assert response["Location"] == reverse("cases:detail", args=[new_case.folio])
    response = client.post(url, consultation_data(new_case.folio), follow=True)
    assert f"Atención registrada en el expediente {new_case.folio}." in response.content.decode()

    consultations = Consultation.objects.order_by("pk")
    assert [(c.case, c.modality, c.attended_by) for c in consultations] == [
        (her_case, Modality.COMPANY, lawyer),
        (new_case, Modality.COMPANY, psychologist),
    ]
    visit.refresh_from_db()
    assert visit.consultation_count == 2 and VisitConsultation.objects.count() == 2

    # Each appears in her case file, with its modality, on the case page and its timeline.
    for user, case in ((lawyer, her_case), (psychologist, new_case)):
        client.force_login(user)
        page = client.get(reverse("cases:detail", args=[case.folio])).content.decode()
        assert "En su empresa" in page
        assert case.events.filter(kind="consultation", description__contains="En su empresa").exists()

    # The psychologist's own list at the visit shows hers, not the lawyer's (she may not see that case file).
    page = client.get(url).content.decode()
    assert new_case.folio in page and her_case.folio not in page and "Maricela" not in page


def test_program_staff_see_how_many_consulted_never_who(client, trainer, lawyer, director):
    company = factories.company(trainer)
    visit = factories.visit(trainer, organization=company, offered_legal=True)
    case = CaseFactory(
        opened_by=lawyer, holder=PersonFactory(given_names="Herminia", first_surname="Zubiate")
    )
    visits.visit_consultation_record(
        visit=visit, case=case, by=lawyer, started_at=now_minute(), duration_minutes=30, summary="Asesoría."
    )
    client.force_login(trainer)
    for page_url in (
        reverse("programs:visit_detail", args=[visit.pk]),
        reverse("programs:visit_list"),
        reverse("programs:organization_detail", args=[company.pk]),
    ):
        page = client.get(page_url).content.decode()
        assert case.folio not in page and "Herminia" not in page and "Zubiate" not in page
    detail = client.get(reverse("programs:visit_detail", args=[visit.pk])).content.decode()
    assert '<dd class="col-sm-8" data-testid="consultation-count">1</dd>' in detail
    organization = client.get(reverse("programs:organization_detail", args=[company.pk])).content.decode()
    assert "1 atención individual" in organization
    # The trainer reaches no consultation through the selector, and no page to record one.
    assert visit_selectors.visit_consultations(trainer, visit) == []
    assert client.get(reverse("programs:visit_consultation_create", args=[visit.pk])).status_code == 404
    # The director (program staff) is shown the count too: the visit's page lists nobody.
    client.force_login(director)
    assert "Herminia" not in client.get(reverse("programs:visit_detail", args=[visit.pk])).content.decode()
    # Who may see the case file reads it through the selector, and that read is audited against the case.
    rows = visit_selectors.visit_consultations(lawyer, visit)
    assert [(row.folio, row.name) for row in rows] == [(case.folio, case.holder.full_name)]
    assert AuditEvent.objects.filter(
        actor=lawyer, action=Action.VIEW, object_type="cases.consultation", case_id=case.pk
    ).exists()


def test_a_trainer_cannot_record_a_consultation_in_a_case_file(trainer, lawyer, director):
    visit = factories.visit(trainer)
    case = CaseFactory(opened_by=lawyer)
    for user in (trainer, director):  # program staff, and the director, who sees every case but is no area
        with pytest.raises(PermissionDenied):
            visits.visit_consultation_record(
                visit=visit, case=case, by=user, started_at=now_minute(), duration_minutes=30, summary="X"
            )
    assert not Consultation.objects.exists() and not VisitConsultation.objects.exists()
    visit.refresh_from_db()
    assert visit.consultation_count == 0


def test_a_lawyer_records_only_in_a_case_file_she_may_see(client, trainer, lawyer, outsider):
    visit = factories.visit(trainer)
    case = CaseFactory(opened_by=lawyer)
    client.force_login(outsider)
    response = client.post(
        reverse("programs:visit_consultation_create", args=[visit.pk]), consultation_data(case.folio)
    )
    assert response.status_code == 200
    assert "No hay un expediente con ese folio que usted pueda ver." in response.content.decode()
    assert not Consultation.objects.exists()
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=outsider, case_id=case.pk).exists()
    with pytest.raises(PermissionDenied):
        visits.visit_consultation_record(
            visit=visit, case=case, by=outsider, started_at=now_minute(), duration_minutes=30, summary="X"
        )
    assert not Consultation.objects.exists()


def test_the_consultation_is_of_the_day_of_the_visit(client, trainer, lawyer):
    visit = factories.visit(trainer, visited_on=timezone.localdate() - timedelta(days=3))
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    response = client.post(
        reverse("programs:visit_consultation_create", args=[visit.pk]), consultation_data(case.folio)
    )
    assert "La atención debe ser del día de la visita." in response.content.decode()
    assert not Consultation.objects.exists() and not VisitConsultation.objects.exists()


def test_bad_visits_get_spanish_errors_and_store_nothing(client, trainer):
    school = factories.organization(trainer)
    company = factories.company(trainer)
    client.force_login(trainer)
    url = reverse("programs:visit_create")
    today = timezone.localdate().isoformat()
    response = client.post(url, {"organization": company.pk, "visited_on": today, "women_reached": "-3"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Diga qué se ofreció en la visita" in page
    assert "Asegúrese de que este valor sea mayor o igual a 0." in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {
        "organization": company.pk,
        "visited_on": tomorrow,
        "offered": ["offered_talk"],
        "women_reached": "5",
    }
    assert "no puede estar en el futuro" in client.post(url, data).content.decode()
    # a school is not in the list of companies, and the service refuses it too
    data = {"organization": school.pk, "visited_on": today, "offered": ["offered_talk"], "women_reached": "5"}
    assert "Seleccione una opción válida" in client.post(url, data).content.decode()
    with pytest.raises(ValidationError) as error:
        visits.visit_create(
            by=trainer, organization=school, visited_on=timezone.localdate(), offered_talk=True
        )
    assert "organization" in error.value.message_dict
    with pytest.raises(ValidationError):
        visits.visit_create(
            by=trainer,
            organization=company,
            visited_on=timezone.localdate(),
            offered_talk=True,
            women_reached=-1,
        )
    assert not CompanyVisit.objects.exists()
    assert school.kind == OrganizationKind.SCHOOL


def test_visit_pages_read_a_bounded_number_of_queries(client, trainer, lawyer, django_assert_max_num_queries):
    companies = [factories.company(trainer, name=f"Planta {n}") for n in range(3)]
    for company in companies:
        for _n in range(4):
            visit = factories.visit(trainer, organization=company, offered_legal=True)
            case = CaseFactory(opened_by=lawyer)
            visits.visit_consultation_record(
                visit=visit, case=case, by=lawyer, started_at=now_minute(), duration_minutes=30, summary="X"
            )
    for user, urls in (
        (
            trainer,
            [
                reverse("programs:visit_list"),
                reverse("programs:visit_detail", args=[visit.pk]),
                reverse("programs:organization_detail", args=[companies[0].pk]),
            ],
        ),
        (lawyer, [reverse("programs:visit_consultation_create", args=[visit.pk])]),
    ):
        client.force_login(user)
        for url in urls:
            with django_assert_max_num_queries(25):
                assert client.get(url).status_code == 200


def test_her_erasure_takes_the_visit_link_with_her_consultation(trainer, lawyer):
    """A consultation given at a visit is hers: her erasure removes it, and the visit keeps only its count."""
    from violeta.privacy.services.erasure import person_erase

    company = factories.company(trainer, name="Manufacturas del Norte")
    visit = visits.visit_create(
        by=trainer,
        organization=company,
        visited_on=timezone.localdate(),
        offered_legal=True,
        women_reached=10,
    )
    case = CaseFactory(opened_by=lawyer)
    visits.visit_consultation_record(
        visit=visit,
        case=case,
        by=lawyer,
        started_at=now_minute(),
        duration_minutes=30,
        summary="Orientación laboral.",
    )
    assert VisitConsultation.objects.count() == 1
    person_erase(person=case.holder, detail="prueba")
    assert not VisitConsultation.objects.exists()
    visit.refresh_from_db()
    assert visit.consultation_count == 1
