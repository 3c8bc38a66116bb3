"""The intake each institute shapes (issue 20, item 7): its optional fields hidden, required, relabelled and
reordered, and its own fields (text, choice, yes/no, date) asked at the intake and kept on the case, as data the
director or the system administrator edits."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from violeta.audit.models import AuditEvent
from violeta.cases import field_services, intake_fields
from violeta.cases.field_models import CustomField, CustomFieldValue, IntakeFieldSetting
from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.test_views import intake_data
from violeta.people.models import Person

INTAKE = reverse("cases:intake")


def _field(director, label="Ocupación", kind="text", **extra) -> CustomField:
    return field_services.custom_field_create(by=director, label=label, kind=kind, **extra)


def _intake_page(client, user) -> str:
    client.force_login(user)
    response = client.get(INTAKE)
    assert response.status_code == 200
    return response.content.decode()


# --- the optional fields ---------------------------------------------------------------------------------------


def test_nothing_changes_until_someone_edits(client, receptionist):
    html = _intake_page(client, receptionist)
    positions = [html.index(f'name="p-{name}"') for name in intake_fields.CONFIGURABLE]
    assert positions == sorted(positions)  # the order Violeta ships
    assert "Datos adicionales" not in html
    assert not IntakeFieldSetting.objects.exists()


def test_a_hidden_field_is_not_asked_and_nothing_posted_for_it_is_kept(client, receptionist, director):
    field_services.intake_field_set(by=director, name="disability", visibility="hidden")
    html = _intake_page(client, receptionist)
    assert 'name="p-disability"' not in html
    assert 'name="p-schooling"' in html
    response = client.post(INTAKE, intake_data(**{"p-disability": "Motriz"}))
    assert response.status_code == 302
    assert Person.objects.get().disability == ""


def test_a_required_field_missing_is_refused_in_spanish_and_nothing_is_created(
    client, receptionist, director
):
    field_services.intake_field_set(by=director, name="schooling", visibility="required")
    html = _intake_page(client, receptionist)
    assert 'name="p-schooling"' in html
    response = client.post(INTAKE, intake_data())
    assert response.status_code == 200
    assert "El instituto pide este dato en la entrevista: llénelo." in response.content.decode()
    assert not Case.objects.exists() and not Person.objects.exists()
    response = client.post(INTAKE, intake_data(**{"p-schooling": "secondary"}))
    assert response.status_code == 302
    assert Person.objects.get().schooling == "secondary"


def test_a_field_is_relabelled_and_reordered(client, receptionist, director):
    field_services.intake_field_set(
        by=director, name="schooling", visibility="optional", label="Último grado"
    )
    for _ in range(len(intake_fields.CONFIGURABLE)):
        field_services.intake_field_move(by=director, name="schooling", step=-1)
    html = _intake_page(client, receptionist)
    assert "Último grado" in html
    assert html.index('name="p-schooling"') < html.index('name="p-address"')
    assert [s.name for s in intake_fields.field_settings()][:2] == ["schooling", "address"]


def test_the_configuration_pages_are_for_the_director_and_the_system_administrator(
    client, director, sysadmin, lawyer, coordinator
):
    for user in (director, sysadmin):
        client.force_login(user)
        assert client.get(reverse("cases:intake_fields")).status_code == 200
    for user in (lawyer, coordinator):
        client.force_login(user)
        assert client.get(reverse("cases:intake_fields")).status_code in (403, 404)
        assert client.post(reverse("cases:custom_field_create"), {"label": "X"}).status_code in (403, 404)
    assert not CustomField.objects.exists()
    with pytest.raises(PermissionDenied):
        field_services.intake_field_set(by=lawyer, name="schooling", visibility="hidden")
    with pytest.raises(PermissionDenied):
        _field(coordinator)


def test_configuration_changes_are_edited_through_the_pages_and_audited(client, director):
    client.force_login(director)
    url = reverse("cases:intake_field_edit", kwargs={"name": "email"})
    response = client.post(url, {"visibility": "required", "label": "Correo", "order": 2})
    assert response.status_code == 302
    assert IntakeFieldSetting.objects.get(name="email").visibility == "required"
    response = client.post(
        reverse("cases:custom_field_create"),
        {"label": "Ocupación", "kind": "text", "order": 1, "at_intake": "on", "active": "on"},
    )
    assert response.status_code == 302
    assert CustomField.objects.get().label == "Ocupación"
    audited = AuditEvent.objects.filter(actor=director, detail__startswith="configuración de la entrevista")
    assert set(audited.values_list("object_type", flat=True)) == {
        "cases.intakefieldsetting",
        "cases.customfield",
    }


# --- the institute's own fields --------------------------------------------------------------------------------


def test_custom_values_are_validated_per_type(director):
    text = _field(director, "Ocupación", required=True)
    choice = _field(director, "Situación migratoria", "choice", options="Nacional\nMigrante\nRefugiada")
    yes_no = _field(director, "¿Tiene hijas o hijos?", "yes_no")
    day = _field(director, "Fecha de llegada al municipio", "date")
    check = intake_fields.check_value
    with pytest.raises(ValidationError):
        check(text, "")  # required
    assert check(text, "  Costurera ") == "Costurera"
    assert check(choice, "Migrante") == "Migrante"
    with pytest.raises(ValidationError):
        check(choice, "Turista")  # not one of the options
    assert check(yes_no, "yes") == "yes"
    with pytest.raises(ValidationError):
        check(yes_no, "quizá")
    assert check(day, "2024-02-29") == "2024-02-29"
    for wrong in ("2023-02-29", "mañana", "1850-01-01", "2999-01-01"):
        with pytest.raises(ValidationError):
            check(day, wrong)


def test_a_choice_field_needs_options_and_a_type_cannot_change_once_used(director, lawyer):
    with pytest.raises(ValidationError) as refused:
        _field(director, "Situación migratoria", "choice", options="Solo una")
    assert "options" in refused.value.error_dict
    field = _field(director)
    case = CaseFactory(opened_by=lawyer)
    field_services.custom_values_set(case=case, by=lawyer, values={field.pk: "Costurera"})
    with pytest.raises(ValidationError):
        field_services.custom_field_update(by=director, field=field, kind="date")


def test_a_custom_field_is_asked_at_the_intake_and_its_value_shown_on_the_case_page(
    client, receptionist, lawyer, director
):
    occupation = _field(director, required=True, help_text="Su trabajo o actividad principal.")
    retired = _field(director, "Campo viejo", active=False)
    later = _field(director, "Solo en el expediente", at_intake=False)
    html = _intake_page(client, receptionist)
    assert "Datos adicionales" in html and "Ocupación" in html
    assert "Campo viejo" not in html and "Solo en el expediente" not in html
    response = client.post(INTAKE, intake_data(**{"c-team": [lawyer.pk]}))
    assert response.status_code == 200  # required and missing
    assert not Case.objects.exists()
    response = client.post(INTAKE, intake_data(**{"c-team": [lawyer.pk], f"x-f{occupation.pk}": "Costurera"}))
    assert response.status_code == 302
    case = Case.objects.get()
    assert CustomFieldValue.objects.get(case=case).value == "Costurera"
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT value FROM cases_customfieldvalue")
        assert "Costurera" not in str(cursor.fetchone()[0])
    client.force_login(lawyer)
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Datos adicionales" in page and "Ocupación" in page and "Costurera" in page
    assert retired.pk and later.pk


def test_the_team_edits_the_additional_details_and_it_is_audited(client, lawyer, outsider, director):
    occupation = _field(director)
    arrival = _field(director, "Fecha de llegada", "date", at_intake=False)
    case = CaseFactory(opened_by=lawyer)
    url = reverse("cases:custom_values", kwargs={"folio": case.folio})
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(lawyer)
    response = client.post(url, {f"f{occupation.pk}": "Comerciante", f"f{arrival.pk}": "2031-13-01"})
    assert response.status_code == 200  # not a real date: nothing saved
    assert not CustomFieldValue.objects.exists()
    response = client.post(url, {f"f{occupation.pk}": "Comerciante", f"f{arrival.pk}": "2019-03-15"})
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Comerciante" in page and "15/03/2019" in page
    assert (
        AuditEvent.objects.filter(
            actor=lawyer, case_id=case.pk, object_type="cases.customfieldvalue", action="create"
        ).count()
        == 2
    )
    # Retiring the field keeps the value, still shown.
    field_services.custom_field_update(by=director, field=occupation, active=False)
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert "Comerciante" in page and "Retirado" in page


def test_the_additional_details_are_in_her_complete_export(director, lawyer):
    from violeta.privacy.export import build_export

    occupation = _field(director)
    case = CaseFactory(opened_by=lawyer)
    field_services.custom_values_set(case=case, by=lawyer, values={occupation.pk: "Costurera"})
    content, counts = build_export(case.holder, generated_by=director)
    assert counts["cases.customfieldvalue"] == 1
    data = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("datos.json"))
    (record,) = data["secciones"]["cases.customfieldvalue"]["registros"]
    assert record["field"] == "Ocupación" and record["value"] == "Costurera"


def test_intake_page_queries_do_not_grow_with_fields(
    client, django_assert_max_num_queries, receptionist, director
):
    client.force_login(receptionist)
    with django_assert_max_num_queries(25) as few:
        assert client.get(INTAKE).status_code == 200
    for n in range(12):
        _field(director, f"Campo {n}", "choice" if n % 2 else "date", options="A\nB")
        field_services.intake_field_set(
            by=director, name=intake_fields.CONFIGURABLE[n % 8], visibility="required"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(INTAKE).content.decode()
    assert "Campo 11" in html


def test_case_page_queries_do_not_grow_with_custom_values(
    client, django_assert_max_num_queries, lawyer, director
):
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    url = reverse("cases:detail", kwargs={"folio": case.folio})
    with django_assert_max_num_queries(45) as few:
        assert client.get(url).status_code == 200
    fields = [_field(director, f"Campo {n}") for n in range(10)]
    field_services.custom_values_set(case=case, by=lawyer, values={f.pk: f"valor {f.pk}" for f in fields})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Campo 9" in client.get(url).content.decode()


def test_a_date_value_is_checked_against_sense(director):
    day = _field(director, "Fecha", "date")
    today = datetime.date.today()
    assert intake_fields.check_value(day, today.isoformat()) == today.isoformat()


def test_the_configuration_page_moves_fields_and_its_queries_do_not_grow(
    client, django_assert_max_num_queries, sysadmin, director
):
    client.force_login(sysadmin)
    url = reverse("cases:intake_fields")
    with django_assert_max_num_queries(15) as few:
        assert client.get(url).status_code == 200
    for n in range(10):
        _field(director, f"Campo {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Campo 9" in page
    move = reverse("cases:intake_field_move", kwargs={"name": "schooling"})
    assert client.post(move, {"direction": "up"}).status_code == 302
    names = [s.name for s in intake_fields.field_settings()]
    assert names.index("schooling") == len(names) - 2
    assert AuditEvent.objects.filter(actor=sysadmin, object_id="schooling").exists()


def test_a_field_retired_from_its_page_is_no_longer_asked(client, director, receptionist):
    field = _field(director)
    client.force_login(director)
    url = reverse("cases:custom_field_edit", kwargs={"pk": field.pk})
    response = client.post(url, {"label": "Ocupación", "kind": "text", "order": 0, "at_intake": "on"})
    assert response.status_code == 302
    field.refresh_from_db()
    assert not field.active
    assert "Ocupación" not in _intake_page(client, receptionist)


@pytest.mark.django_db
def test_whether_any_custom_field_exists_is_read_once_per_process_and_a_new_one_is_seen_at_once(
    director, django_assert_num_queries
):
    """Every case page asks whether to show "Datos adicionales": one query per process a minute, not one per
    page; a field added, or retired, in this process is seen at once."""
    with django_assert_num_queries(1):
        assert intake_fields.custom_fields_exist() is False
    with django_assert_num_queries(0):
        assert intake_fields.custom_fields_exist() is False
    field = _field(director)
    assert intake_fields.custom_fields_exist() is True
    field.active = False
    field.save()
    assert intake_fields.custom_fields_exist() is False
