"""The BANAVIM export: one row per case and incident, only women who consented, pseudonymised."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.cases.models import Case
from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.people.models import Neighborhood, Person, Schooling
from violeta.people.tests.factories import PersonFactory
from violeta.reports import banavim
from violeta.reports.exports import csv_stream, xlsx_file
from violeta.reports.indicators import Filters
from violeta.reports.tests.test_base import consent
from violeta.violence.models import Aggressor
from violeta.violence.services.incidents import aggressor_record
from violeta.violence.tests.factories import granted_order, record_incident

TODAY = timezone.localdate()
LAST_30_DAYS = Filters(start=TODAY - datetime.timedelta(days=30), end=TODAY)


def as_dicts(filters=LAST_30_DAYS) -> list[dict]:
    header, *rest = list(banavim.rows(filters))
    return [dict(zip(header, row, strict=True)) for row in rest]


@pytest.fixture
def world(lawyer, psychologist):
    return banavim_world(lawyer, psychologist)


def banavim_world(lawyer, psychologist):
    """Ana consented: two incidents in one case (the first with an aggressor), three consultations and a granted
    order. Bea consented: one incident. Cruz refused; Dora consented and later revoked it: not exported."""
    centro = Neighborhood.objects.create(
        postal_code="31000", name="Centro", municipality="Chihuahua", state="Chih."
    )
    people = {
        name: PersonFactory(
            with_curp=True,
            given_names=given,
            phone=phone,
            neighborhood=centro,
            birth_date=datetime.date(1990, 5, 17),
            schooling=Schooling.SECONDARY,
            indigenous_people="rarámuri" if name == "ana" else "",
        )
        for name, given, phone in [
            ("ana", "Anaïs Xóchitl", "+526141110001"),
            ("bea", "Beatriz Yareli", "+526141110002"),
            ("cruz", "Cruz Zenaida", "+526141110003"),
            ("dora", "Dora Wendolyn", "+526141110004"),
        ]
    }
    cases = {
        name: CaseFactory(holder=person, opened_by=lawyer, team=(psychologist,))
        for name, person in people.items()
    }
    consent(people["ana"], lawyer)
    consent(people["bea"], lawyer)
    consent(people["cruz"], lawyer, granted=False)
    consent(people["dora"], lawyer, revoked=True)
    aggressor = aggressor_record(
        case=cases["ana"],
        by=lawyer,
        relationship=Aggressor.Relationship.PARTNER,
        alias="Rigoberto Quintanilla",
        schooling=Schooling.UPPER_SECONDARY,
        weapons_access="yes",
    )
    record_incident(cases["ana"], lawyer, aggressors=[aggressor], types=["psychological", "physical"])
    record_incident(cases["ana"], lawyer, types=["economic"], occurred_on=TODAY - datetime.timedelta(days=10))
    for name in ("bea", "cruz", "dora"):
        record_incident(cases[name], lawyer)
    for by in (lawyer, lawyer, psychologist):
        record_consultation(cases["ana"], by)
    granted_order(cases["ana"], lawyer)
    return {"people": people, "cases": cases, "aggressor": aggressor}


@pytest.mark.django_db
def test_one_row_per_case_and_incident_of_women_who_consented_only(world):
    rows = as_dicts()
    ana, bea = world["people"]["ana"], world["people"]["bea"]
    key = banavim.pseudonym_key()
    by_woman = sorted(row["id_mujer"] for row in rows)
    assert by_woman == sorted(
        [banavim.pseudonym(key, "person", ana.pk)] * 2 + [banavim.pseudonym(key, "person", bea.pk)]
    )
    assert len({row["id_hecho"] for row in rows}) == 3
    assert len({row["id_caso"] for row in rows}) == 2


@pytest.mark.django_db
def test_her_profile_the_aggressor_and_the_services_are_in_her_rows(world):
    ana_key = banavim.pseudonym(banavim.pseudonym_key(), "person", world["people"]["ana"].pk)
    first, second = sorted(
        (row for row in as_dicts() if row["id_mujer"] == ana_key), key=lambda row: row["agresores_numero"]
    )
    assert second["agresores_numero"] == 1 and first["agresores_numero"] == 0
    assert second["agresor_relacion"] == "Pareja o esposo"
    assert second["agresor_escolaridad"] == "Media superior (bachillerato)"
    assert second["agresor_acceso_armas"] == "Sí"
    assert second["hecho_tipos"] == "Psicológica; Física"
    assert first["hecho_tipos"] == "Económica"
    for row in (first, second):
        assert row["victima_escolaridad"] == "Secundaria"
        assert row["victima_colonia"] == "Centro" and row["victima_codigo_postal"] == "31000"
        assert row["victima_indigena"] == "Sí" and row["victima_discapacidad"] == "No"
        assert row["victima_grupo_edad"] == "30 a 44"
        assert row["ordenes_solicitadas"] == 1 and row["ordenes_otorgadas"] == 1
        assert row["atenciones_total"] == 3
        assert row["atenciones_juridica"] == 2 and row["atenciones_psicologia"] == 1
        assert row["atenciones_trabajo_social"] == 0


@pytest.mark.django_db
def test_the_pseudonym_is_stable_across_exports_and_different_per_woman(world, settings):
    once, again = as_dicts(), as_dicts()
    assert [row["id_mujer"] for row in once] == [row["id_mujer"] for row in again]
    assert len({row["id_mujer"] for row in once}) == 2
    settings.REPORTS_PSEUDONYM_KEY = "another-key-entirely-" + "x" * 30
    assert not {row["id_mujer"] for row in as_dicts()} & {row["id_mujer"] for row in once}


@pytest.mark.django_db
def test_no_name_curp_phone_folio_or_alias_anywhere_in_the_files(world):
    people = world["people"].values()
    forbidden = [p.given_names for p in people] + [p.first_surname for p in people]
    forbidden += [p.curp for p in people] + [p.phone for p in people] + [p.phone[3:] for p in people]
    forbidden += [c.folio for c in world["cases"].values()] + ["Rigoberto", "Quintanilla"]
    text = b"".join(csv_stream(banavim.rows(LAST_30_DAYS))).decode("utf-8-sig")
    assert "Centro" in text  # the file is not empty
    workbook = openpyxl.load_workbook(xlsx_file(banavim.rows(LAST_30_DAYS), "BANAVIM", []))
    cells = " ".join(
        str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value
    )
    for secret in forbidden:
        assert secret not in text and secret not in cells, secret


@pytest.mark.django_db
def test_the_files_read_back_with_numbers_as_numbers(world):
    lines = list(
        csv.reader(io.StringIO(b"".join(csv_stream(banavim.rows(LAST_30_DAYS))).decode("utf-8-sig")))
    )
    assert lines[0][:3] == ["id_mujer", "id_caso", "id_hecho"] and len(lines) == 4
    sheet = openpyxl.load_workbook(xlsx_file(banavim.rows(LAST_30_DAYS), "BANAVIM", [])).worksheets[0]
    header = [c.value for c in sheet[1]]
    total = header.index("atenciones_total")
    assert sorted(row[total].value for row in sheet.iter_rows(min_row=2)) == [0, 3, 3]
    assert all(row[total].data_type == "n" for row in sheet.iter_rows(min_row=2))


@pytest.mark.django_db
def test_the_colonia_filter_applies_to_her(world):
    elsewhere = Neighborhood.objects.create(
        postal_code="31100", name="Otra", municipality="Chihuahua", state="Chih."
    )
    Person.objects.filter(pk=world["people"]["bea"].pk).update(neighborhood=elsewhere)
    rows = as_dicts(LAST_30_DAYS.but(neighborhood=elsewhere.pk))
    assert len(rows) == 1 and rows[0]["victima_colonia"] == "Otra"


@pytest.mark.django_db
def test_an_incident_recorded_outside_the_period_is_not_exported(world):
    last_year = Filters(start=TODAY - datetime.timedelta(days=400), end=TODAY - datetime.timedelta(days=365))
    assert as_dicts(last_year) == []


@pytest.mark.django_db
def test_she_who_asked_to_cancel_her_data_is_not_exported(world):
    Person.objects.filter(pk=world["people"]["bea"].pk).update(blocked_at=timezone.now())
    assert len(as_dicts()) == 2


@pytest.mark.parametrize("key", ["", "same-as-secret"])
def test_without_its_own_key_the_export_is_refused_in_spanish(settings, key):
    settings.REPORTS_PSEUDONYM_KEY = settings.SECRET_KEY if key == "same-as-secret" else key
    with pytest.raises(ValidationError) as error:
        next(banavim.rows(LAST_30_DAYS))
    assert error.value.code == "pseudonym_key"
    assert "seudónimo" in error.value.messages[0]


@pytest.mark.django_db
def test_the_chunks_cover_every_incident(world, monkeypatch):
    monkeypatch.setattr(banavim, "CHUNK", 1)
    assert len(as_dicts()) == 3
    assert Case.objects.count() == 4


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_rows(world, lawyer, django_assert_max_num_queries):
    # The areas, the incidents, then one query per related table for the whole chunk: aggressors (the link and
    # the rows), consultations, orders, risk assessments, safety plans.
    with django_assert_max_num_queries(8):
        assert len(as_dicts()) == 3
    for _ in range(5):
        record_incident(world["cases"]["bea"], lawyer)
    with django_assert_max_num_queries(8):
        assert len(as_dicts()) == 8
