"""The case screens as staff use them: intake, case page, consultations, and their guarantees."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.people.models import Person
from violeta.people.privacy_notice import current_notice


def intake_data(**overrides):
    data = {
        "p-given_names": "Guadalupe",
        "p-first_surname": "Chávez",
        "p-second_surname": "Ortiz",
        "p-gender": "woman",
        "p-phone": "(614) 410 2305",
        "s-phone_choice": "main",
        "s-may_sms": "on",
        "c-arrival_channel": "own",
        "c-reason": "Busca orientación sobre pensión alimenticia.",
        "c-privacy_notice_accepted": "on",
        "c-privacy_notice_sha256": current_notice().sha256,
    }
    data.update(overrides)
    return data


def test_receptionist_registers_an_intake(client, receptionist, lawyer):
    client.force_login(receptionist)
    response = client.post(reverse("cases:intake"), intake_data(**{"c-team": [lawyer.pk]}))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"folio": case.folio})
    assert case.holder.phone == "+526144102305"
    assert set(case.team.all()) == {receptionist, lawyer}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("p-curp", "HEGM800101MCHRNR01", "dígito verificador"),
        ("p-curp", "HEGM8001", "18 caracteres"),
        ("p-phone", "12345", "no es un número de teléfono válido"),
        ("p-phone", "teléfono", "no es un número de teléfono"),
    ],
)
def test_invalid_curp_or_phone_gets_a_spanish_error_and_saves_nothing(
    client, receptionist, field, value, message
):
    client.force_login(receptionist)
    events_before = AuditEvent.objects.count()
    response = client.post(reverse("cases:intake"), intake_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Person.objects.count() == 0
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_intake_shows_likely_duplicates_before_creating(client, receptionist, lawyer):
    existing = CaseFactory(opened_by=lawyer).holder
    client.force_login(receptionist)
    data = intake_data(
        **{
            "p-given_names": existing.given_names.upper(),
            "p-first_surname": existing.first_surname,
            "p-second_surname": existing.second_surname,
        }
    )
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 200
    assert existing.full_name in response.content.decode()
    assert Person.objects.count() == 1  # nothing created until she chooses
    # she chooses "no es ninguna": the new person is registered
    response = client.post(reverse("cases:intake"), {**data, "c-confirm_new": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_receptionist_on_the_team_cannot_read_psychology_notes(client, receptionist, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(receptionist, psychologist))
    record_consultation(case, psychologist, area_note="Refiere crisis de ansiedad NOTA-PSI-7731")
    url = reverse("cases:detail", kwargs={"folio": case.folio})
    client.force_login(psychologist)
    assert "NOTA-PSI-7731" in client.get(url).content.decode()
    for other in (receptionist, lawyer):
        client.force_login(other)
        response = client.get(url)
        assert response.status_code == 200
        assert "NOTA-PSI-7731" not in response.content.decode()


def test_lawyer_not_on_the_case_gets_404_and_it_is_audited(client, lawyer, outsider):
    case = CaseFactory(opened_by=lawyer)
    client.force_login(outsider)
    response = client.get(reverse("cases:detail", kwargs={"folio": case.folio}))
    assert response.status_code == 404
    denial = AuditEvent.objects.get(action=Action.ACCESS_DENIED, actor=outsider)
    assert denial.case_id == case.pk
    assert denial.flagged


@pytest.mark.parametrize(
    "url_name",
    ["cases:detail", "people:detail", "people:edit", "people:safe_contact", "cases:consultation_create"],
)
def test_every_case_and_person_page_writes_an_audit_event(client, lawyer, url_name):
    case = CaseFactory(opened_by=lawyer)
    kwargs = {"pk": case.holder.pk} if url_name.startswith("people") else {"folio": case.folio}
    client.force_login(lawyer)
    before = AuditEvent.objects.filter(action=Action.VIEW, actor=lawyer).count()
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=Action.VIEW, actor=lawyer).count() == before + 1
    event = AuditEvent.objects.filter(action=Action.VIEW, actor=lawyer).latest("id")
    assert event.request_id and event.ip == "127.0.0.1"


def test_psychologist_records_a_consultation(client, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    client.force_login(psychologist)
    response = client.post(
        reverse("cases:consultation_create", kwargs={"folio": case.folio}),
        {
            "modality": "video",
            "started_at": "2026-11-20T10:00",
            "duration_minutes": 50,
            "summary": "Sesión de contención.",
            "area_note": "Nota clínica",
        },
    )
    assert response.status_code == 302
    consultation = case.consultations.get()
    assert consultation.area == psychologist.area
    assert consultation.area_notes.get().body == "Nota clínica"
    case.refresh_from_db()
    assert case.status == "follow_up"


def test_close_and_reopen_from_the_case_page(client, lawyer):
    # The institute configured closings to take effect at once (by default they wait for approval:
    # test_plan_approvals.py).
    from violeta.cases.approval_models import ApprovalRule

    ApprovalRule.objects.filter(step="case_closure").update(approver="none")
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    response = client.post(
        reverse("cases:close", kwargs={"folio": case.folio}), {"close_reason": "concluded"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"
    response = client.post(
        reverse("cases:reopen", kwargs={"folio": case.folio}), {"why": "Regresó por nueva situación."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "reopened"
    kinds = list(case.events.values_list("kind", flat=True))
    assert {"opened", "closed", "reopened"} <= set(kinds)


def _case_page_queries(client, django_assert_max_num_queries, case, user, limit):
    client.force_login(user)
    with django_assert_max_num_queries(limit) as done:
        response = client.get(reverse("cases:detail", kwargs={"folio": case.folio}))
    assert response.status_code == 200
    return len(done.captured_queries)


def test_case_page_queries_do_not_grow_with_consultations(
    client, django_assert_max_num_queries, lawyer, psychologist
):
    small = CaseFactory(opened_by=lawyer, team=(psychologist,))
    record_consultation(small, psychologist, area_note="nota")
    big = CaseFactory(opened_by=lawyer, team=(psychologist,))
    for _ in range(40):
        record_consultation(big, psychologist, area_note="nota")
    # The page gathers the sections of every area (legal, documents, psychology, social work, violence): a fixed
    # number of queries each, the same for 1 consultation as for 40.
    few = _case_page_queries(client, django_assert_max_num_queries, small, psychologist, 40)
    _case_page_queries(client, django_assert_max_num_queries, big, psychologist, few)


def test_the_case_page_shows_her_latest_consultations_and_the_rest_on_demand(
    client, lawyer, psychologist, outsider
):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    start = timezone.now() - datetime.timedelta(days=30)
    for day in range(12):
        record_consultation(
            case, psychologist, summary=f"Atención del día {day}", when=start + datetime.timedelta(days=day)
        )
    client.force_login(psychologist)
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    section = page.split('id="atenciones"')[1].split("</section>")[0]
    # The 10 latest, the newest first; how many there are in all; the two oldest behind a link.
    assert [int(d) for d in re.findall(r"Atención del día (\d+)", section)] == list(range(11, 1, -1))
    assert ">12<" in section
    more = reverse("cases:consultations", kwargs={"folio": case.folio})
    assert f'href="{more}"' in section and "Ver las 2 atenciones anteriores" in section

    # Every one of them on their own page, the newest first, the read audited.
    before = AuditEvent.objects.filter(action=Action.VIEW, actor=psychologist).count()
    full = client.get(more).content.decode()
    assert [int(d) for d in re.findall(r"Atención del día (\d+)", full)] == list(range(11, -1, -1))
    assert "<html" in full
    event = AuditEvent.objects.filter(action=Action.VIEW, actor=psychologist).latest("id")
    assert AuditEvent.objects.filter(action=Action.VIEW, actor=psychologist).count() == before + 1
    assert event.case_id == case.pk and event.detail == "atenciones anteriores"

    # The case page's link, followed by htmx: only the older ones, in place of the link.
    rest = client.get(more, {"desde": 10}, headers={"HX-Request": "true"}).content.decode()
    assert [int(d) for d in re.findall(r"Atención del día (\d+)", rest)] == [1, 0]
    assert "<html" not in rest and "anteriores" not in rest
    assert client.get(more, {"desde": "x"}).status_code == 200  # a bad offset is the whole list

    # Not on her team: 404, as for the case page.
    client.force_login(outsider)
    assert client.get(more).status_code == 404


def test_the_list_of_staff_to_add_to_the_team_is_read_only_when_someone_adds_one(
    client, lawyer, psychologist, social_worker, outsider
):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    client.force_login(psychologist)
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    team = page.split('id="equipo"')[1].split("</section>")[0]
    add = reverse("cases:team_add", kwargs={"folio": case.folio})
    # The case page: a link to the form, no list of every member of staff.
    assert f'href="{add}"' in team and f'hx-get="{add}"' in team
    assert "<select" not in team and social_worker.full_name not in page

    # The link, followed by htmx: the form alone, in place of the link, her colleagues to choose from.
    before = AuditEvent.objects.filter(actor=psychologist, case_id=case.pk, detail="equipo").count()
    form = client.get(add, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in form and "<select" in form and social_worker.full_name in form
    assert f'action="{add}"' in form and "csrfmiddlewaretoken" in form
    assert (
        AuditEvent.objects.filter(actor=psychologist, case_id=case.pk, detail="equipo").count() == before + 1
    )
    # Without JavaScript: its own page.
    full = client.get(add).content.decode()
    assert "<html" in full and social_worker.full_name in full
    # Adding still works as before.
    response = client.post(add, {"user": social_worker.pk})
    assert response.status_code == 302 and case.team_members.filter(user=social_worker).exists()

    # Off her team: 404; a closed case: back to its page, no form.
    client.force_login(outsider)
    assert client.get(add).status_code == 404
    Case.objects.filter(pk=case.pk).update(status="closed")
    client.force_login(psychologist)
    response = client.get(add)
    assert response.status_code == 302 and response.url == reverse(
        "cases:detail", kwargs={"folio": case.folio}
    )


def test_case_list_queries_do_not_grow_with_cases(
    client, django_assert_max_num_queries, lawyer, psychologist
):
    for _ in range(3):
        record_consultation(CaseFactory(opened_by=lawyer), lawyer)
    client.force_login(lawyer)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("cases:list")).status_code == 200
    for _ in range(30):
        record_consultation(CaseFactory(opened_by=lawyer), lawyer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25 and response.context["page"].has_next


def test_safe_contact_and_consent_are_recorded_from_the_person_page(client, lawyer, receptionist):
    person = CaseFactory(opened_by=lawyer).holder
    client.force_login(lawyer)
    url = reverse("people:safe_contact", kwargs={"pk": person.pk})
    assert "Contacto seguro" in client.get(url).content.decode()
    response = client.post(url, {"phone_choice": "none", "best_hours": "", "code_word": "girasol"})
    assert response.status_code == 302
    person.safe_contact.refresh_from_db()
    assert person.safe_contact.phone_choice == "none"
    assert not person.safe_contact.allows_sms()
    assert person.safe_contact.code_word == "girasol"
    response = client.post(
        reverse("people:consent_add", kwargs={"pk": person.pk}),
        {
            "purpose": "sms",
            "granted": "on",
            "given_on": "2026-11-20",
            "scope": "Recordatorios de cita",
            # issue 20: given at the desk, verbally before a witness (or signed on the tablet)
            "method": "verbal",
            "witness": receptionist.pk,
        },
    )
    assert response.status_code == 302
    assert person.consents.filter(purpose="sms", granted=True).exists()


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("2030-01-15", "La fecha de nacimiento no puede ser posterior a hoy."),
        ("1900-01-01", "La fecha de nacimiento no puede ser de hace más de 110 años."),
    ],
)
def test_an_intake_birth_date_out_of_sense_is_shown_on_the_field_and_saves_nothing(
    client, receptionist, birth_date, message
):
    client.force_login(receptionist)
    events_before = AuditEvent.objects.count()
    response = client.post(reverse("cases:intake"), intake_data(**{"p-birth_date": birth_date}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["person_form"].has_error("birth_date")
    assert Person.objects.count() == 0
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_a_future_birth_date_already_on_file_shows_no_negative_age(client, lawyer):
    """Issue 16: the case header read '-4 años' for a birth date in 2030 saved before dates were checked."""
    case = CaseFactory(opened_by=lawyer)
    Person.objects.filter(pk=case.holder.pk).update(birth_date=datetime.date(2030, 1, 15))
    client.force_login(lawyer)
    for url in (
        reverse("cases:detail", kwargs={"folio": case.folio}),
        reverse("people:detail", kwargs={"pk": case.holder.pk}),
    ):
        page = client.get(url).content.decode()
        assert not re.search(r"-\d+\s+años", page)
