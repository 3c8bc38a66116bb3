"""The aggregate exports: what a CSV or XLSX file says, read back as a spreadsheet would read it."""

import csv
import datetime
import io

import openpyxl
import pytest

from violeta.cases.models import Modality
from violeta.cases.tests.factories import record_consultation
from violeta.reports.disclosure import note, protect
from violeta.reports.exports import cell, protected_tables, sheet_name, to_csv, to_xlsx
from violeta.reports.indicators import Filters
from violeta.reports.indicators.base import Column, Kind, Rule, Table
from violeta.reports.tests.test_base import NOVEMBER, at, case_opened, consent

DANGEROUS = ["=SUM(A1:A9)", "+52 614", "-1+1", "@cmd", "\tindent", "\rreturn"]


def hand_table(labels=DANGEROUS, title="Tabla de prueba") -> Table:
    """One row per dangerous label; a count column (large enough to be published) and a number column that
    is negative (a change, say)."""
    return Table(
        slug="prueba",
        title=title,
        columns=[
            Column("label", "Etiqueta", Kind.LABEL),
            Column("count", "Casos", Kind.COUNT),
            Column("change", "Cambio", Kind.NUMBER),
        ],
        rows=[[label, 10 + i, -3.5] for i, label in enumerate(labels)],
        rule=Rule.STATISTICS,
        additive=False,
    )


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_text_that_a_spreadsheet_would_run_gets_a_quote_before_it(text):
    assert cell(text) == "'" + text


def test_numbers_stay_numbers_and_harmless_text_stays_as_it_is():
    assert cell(-3) == -3 and isinstance(cell(-3), int)
    assert cell(-2.5) == -2.5
    assert cell("Jurídica") == "Jurídica"
    assert cell("5-3") == "5-3"  # only the first character matters
    assert cell(None) == ""


@pytest.mark.django_db
def test_csv_neutralises_formulas_and_keeps_negative_numbers_as_numbers():
    rows = read_csv(to_csv([protect(hand_table())], NOVEMBER))
    body = {row[0]: row[1:] for row in rows if len(row) == 3}
    for text in DANGEROUS:
        assert body["'" + text] == [str(10 + DANGEROUS.index(text)), "-3.5"]
        assert text not in body
    flat = [value for row in rows for value in row]
    assert not [value for value in flat if value.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [value for value in flat if value.startswith("-") and value != "-3.5"]


@pytest.mark.django_db
def test_xlsx_neutralises_formulas_and_its_numbers_are_numbers():
    sheet = read_xlsx(to_xlsx([protect(hand_table())], NOVEMBER)).active
    assert [c.value for c in sheet[1]] == ["Etiqueta", "Casos", "Cambio"]
    for r, text in enumerate(DANGEROUS, start=2):
        label, count, change = (c for c in sheet[r])
        # XML reads a carriage return back as a line feed; the quote before it is what matters.
        assert label.value == "'" + text.replace("\r", "\n") and label.data_type == "s"
        assert count.value == 10 + r - 2 and count.data_type == "n"
        assert change.value == -3.5 and change.data_type == "n"
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.mark.django_db
def test_the_filters_the_rule_and_the_title_go_with_the_figures():
    filters = NOVEMBER.but(age_group="18-29")
    rows = read_csv(to_csv([protect(hand_table())], filters))
    flat = [" ".join(row) for row in rows]
    assert flat[0] == "Tabla de prueba"
    assert "Periodo 01/11/2026 – 30/11/2026" in flat
    assert "Grupo de edad 18 a 29" in flat
    assert any(line.startswith("Regla ") and "consintieron" in line for line in flat)
    sheet = read_xlsx(to_xlsx([protect(hand_table())], filters)).active
    footer = {
        row[0].value: row[1].value for row in sheet.iter_rows(min_row=len(DANGEROUS) + 3) if row[0].value
    }
    assert footer["Periodo"] == "01/11/2026 – 30/11/2026"
    assert footer["Grupo de edad"] == "18 a 29"


def test_sheet_names_are_short_unique_and_allowed():
    used: set[str] = set()
    long = "Órdenes de protección solicitadas, otorgadas y por vencer"
    names = [sheet_name(long, used), sheet_name(long, used), sheet_name("a/b [c]: d?", used)]
    assert all(len(name) <= 31 for name in names)
    assert len({name.lower() for name in names}) == 3
    assert not any(ch in names[2] for ch in "[]:*?/\\")
    assert (
        sheet_name("Personas alcanzadas por sexo y grupo de edad", used) == "Personas alcanzadas por sexo y"
    )


@pytest.mark.django_db
def test_every_indicator_gets_its_own_sheet():
    one = protect(hand_table(title="Misma figura con un título muy largo que no cabe"))
    two = protect(hand_table(title="Misma figura con un título muy largo que no cabe"))
    workbook = read_xlsx(to_xlsx([one, two], NOVEMBER))
    assert len(workbook.sheetnames) == 2 and len(set(workbook.sheetnames)) == 2


@pytest.fixture
def november(lawyer, psychologist):
    consultations_in_november(lawyer, psychologist)


def consultations_in_november(lawyer, psychologist):
    """Six women who consented, each with a legal consultation in person in November; two who consented with a
    psychology consultation by phone; three who did not consent, each with a legal consultation by phone."""
    for _ in range(6):
        case = case_opened(at(2), opened_by=lawyer)
        record_consultation(case, lawyer, when=at(5))
        consent(case.holder, lawyer)
    for _ in range(2):
        case = case_opened(at(2), opened_by=lawyer)
        record_consultation(case, psychologist, when=at(6), modality=Modality.PHONE)
        consent(case.holder, lawyer)
    for _ in range(3):
        case = case_opened(at(2), opened_by=lawyer)
        record_consultation(case, lawyer, when=at(7), modality=Modality.PHONE)
        consent(case.holder, lawyer, granted=False)


@pytest.mark.django_db
def test_an_export_counts_only_women_who_consented_and_withholds_small_counts(november):
    tables = protected_tables(NOVEMBER, ["consultations"])
    assert [t.table.rule for t in tables] == [Rule.STATISTICS]
    rows = read_csv(to_csv(tables, NOVEMBER))
    body = {tuple(row[:2]): row[2] for row in rows if len(row) == 3}
    # The three who did not consent are not there at all; the 2 is withheld, and so is the 6 (8 - 6 = 2).
    assert body == {
        ("Área", "Modalidad"): "Atenciones",
        ("Jurídica", "Presencial"): "*",
        ("Psicológica", "Por teléfono"): "*",
        ("Total", ""): "8",
    }
    assert str(note(5)) in [row[1] for row in rows if len(row) == 2]
    sheet = read_xlsx(to_xlsx(tables, NOVEMBER)).active
    values = [c.value for row in sheet.iter_rows(max_row=4) for c in row]
    assert 2 not in values and 6 not in values and 3 not in values
    assert values[-1] == 8


@pytest.mark.django_db
def test_every_indicator_is_exported_when_none_is_chosen(november):
    tables = protected_tables(Filters(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30)))
    from violeta.reports.indicators import INDICATORS

    assert [t.table.slug for t in tables] == list(INDICATORS)
    assert all(t.table.rule == Rule.STATISTICS for t in tables)
    assert len(read_xlsx(to_xlsx(tables, NOVEMBER)).sheetnames) == len(INDICATORS)


@pytest.mark.django_db
def test_a_figure_the_disclosure_control_cannot_settle_leaves_with_every_figure_withheld(
    november, monkeypatch
):
    from violeta.reports import exports

    def fails(table, limit=None):
        raise ValueError("no complementary cell")

    monkeypatch.setattr(exports, "protect", fails)
    (protected,) = protected_tables(NOVEMBER, ["consultations"])
    rows = read_csv(to_csv([protected], NOVEMBER))
    body = {tuple(row[:2]): row[2] for row in rows if len(row) == 3}
    assert body == {
        ("Área", "Modalidad"): "Atenciones",
        ("Jurídica", "Presencial"): "*",
        ("Psicológica", "Por teléfono"): "*",
        ("Total", ""): "*",
    }
