"""Every message of the preview, with its row and column, from a small file where each row has one mistake."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.core.validators import parse_curp, parse_phone, validate_birth_date, validate_not_future
from violeta.dataimport.fields import propose_mapping
from violeta.dataimport.sample import make_curp
from violeta.dataimport.tests.helpers import HEADERS
from violeta.dataimport.validation import check_rows

pytestmark = pytest.mark.django_db

ANA = make_curp("Ana", "López", "Ruiz", date(1985, 3, 12), 1)
BEA = make_curp("Beatriz", "Soto", "Mena", date(1990, 7, 1), 2)


def said(check, value) -> str:
    """What the form's own parser says of ``value`` (the preview must say the same)."""
    with pytest.raises(ValidationError) as exc:
        check(value)
    return exc.value.messages[0]


def row(**changes):
    base = {
        "Folio": "",
        "Nombre(s)": "Ana",
        "Primer apellido": "López",
        "Segundo apellido": "Ruiz",
        "CURP": ANA,
        "Fecha de nacimiento": "12/03/1985",
        "Teléfono": "614 490 0789",
        "Colonia": "Cerro de la Cruz",
        "Fecha de atención": "01/06/2024",
        "Área": "Jurídica",
        "Modalidad": "Presencial",
        "Estado": "Cerrado",
    }
    base.update(changes)
    return [base[h] for h in HEADERS]


def check(rows):
    table = [(number, cells) for number, cells in enumerate(rows, start=2)]
    return {r.number: r.errors for r in check_rows(HEADERS, table, propose_mapping(HEADERS))}


def test_every_problem_is_said_in_spanish_with_its_row_and_column():
    bad_curp = ANA[:-1] + ("0" if ANA[-1] != "0" else "1")
    future = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    errors = check(
        [
            row(),  # 2: correct
            row(CURP=bad_curp),  # 3
            row(**{"Teléfono": "12345"}),  # 4
            row(**{"Fecha de nacimiento": "31/02/1990"}),  # 5
            row(**{"Fecha de nacimiento": future}),  # 6
            row(Colonia="Colonia Inventada"),  # 7
            row(Colonia="Bellavista"),  # 8: two colonias of that name, no postal code
            row(**{"Área": "Contabilidad"}),  # 9
            row(Modalidad="Paloma mensajera"),  # 10
            row(**{"Fecha de atención": ""}),  # 11: a consultation without its date
            row(**{"Fecha de atención": future}),  # 12
            row(**{"Primer apellido": ""}),  # 13
            row(Estado="Pendiente"),  # 14
            row(**{"Nombre(s)": "Beatriz"}),  # 15: Ana's CURP with another name
        ]
    )
    assert errors[2] == []
    assert errors[3] == [f"Fila 3, columna «CURP»: {said(parse_curp, bad_curp)}"]
    assert errors[4] == [f"Fila 4, columna «Teléfono»: {said(parse_phone, '12345')}"]
    assert errors[5] == [
        "Fila 5, columna «Fecha de nacimiento»: «31/02/1990» no es una fecha. Escríbala como día/mes/año, "
        "por ejemplo 23/11/1985."
    ]
    future_day = date(*reversed([int(p) for p in future.split("/")]))
    assert errors[6] == [f"Fila 6, columna «Fecha de nacimiento»: {said(validate_birth_date, future_day)}"]
    assert errors[7] == [
        "Fila 7, columna «Colonia»: No hay una colonia «Colonia Inventada» en el catálogo del municipio. "
        "Revise cómo está escrita."
    ]
    assert errors[8] == [
        "Fila 8, columna «Colonia»: Hay 2 colonias llamadas «Bellavista»: agregue la columna del código postal "
        "para saber cuál."
    ]
    assert errors[9] == [
        "Fila 9, columna «Área»: no hay un área «Contabilidad»; use una de estas: Jurídica, Psicológica, "
        "Trabajo social."
    ]
    assert errors[10] == [
        "Fila 10, columna «Modalidad»: no hay una modalidad «Paloma mensajera»; use una de estas: Presencial, "
        "Por teléfono, Videollamada, En su empresa."
    ]
    assert errors[11] == ["Fila 11, columna «Fecha de atención»: una consulta necesita su fecha."]
    assert errors[12] == [f"Fila 12, columna «Fecha de atención»: {said(validate_not_future, future_day)}"]
    assert errors[13] == [
        "Fila 13, columna «Primer apellido»: esta columna es obligatoria y la celda está vacía."
    ]
    assert errors[14] == ["Fila 14, columna «Estado»: escriba «Abierto», «En seguimiento» o «Cerrado»."]
    assert errors[15] == ["Fila 15, columna «CURP»: la misma CURP está en la fila 2 con otro nombre."]


def test_a_folio_is_one_woman_and_she_has_one_open_case_file():
    errors = check(
        [
            row(Folio="A-1", Estado="En seguimiento"),  # 2
            row(Folio="A-1", **{"Nombre(s)": "Beatriz", "Primer apellido": "Soto", "CURP": BEA}),  # 3
            row(Folio="A-2", Estado="Abierto"),  # 4: Ana's second open case file
            row(Folio="A-3", Estado="Cerrado"),  # 5: a closed one is fine
        ]
    )
    assert errors[2] == []
    assert errors[3] == ["Fila 3, columna «Folio»: el folio A-1 está en la fila 2 con otra mujer."]
    assert errors[4] == [
        "Fila 4, columna «Estado»: tiene otro expediente abierto en la fila 2; solo uno puede estar abierto: "
        "marque el anterior como «Cerrado»."
    ]
    assert errors[5] == []


def test_rows_are_grouped_into_women_and_case_files():
    table = [
        (2, row(Folio="A-1")),
        (3, row(Folio="A-1", CURP="")),  # same folio: Ana, though the CURP was left out
        (4, row(Folio="A-9", Estado="Cerrado")),  # Ana again, another case file
        (5, row(**{"Nombre(s)": "Beatriz", "Primer apellido": "Soto", "CURP": BEA})),  # no folio: her own
    ]
    rows = check_rows(HEADERS, table, propose_mapping(HEADERS))
    assert all(r.ok for r in rows)
    assert len({r.person_key for r in rows}) == 2
    assert rows[0].case_key == rows[1].case_key != rows[2].case_key
    assert rows[0].person_key == rows[1].person_key == rows[2].person_key != rows[3].person_key


def test_postal_codes_and_lengths_are_checked():
    headers = ["Nombre", "Apellido paterno", "Colonia", "CP", "Motivo"]
    table = [
        (2, ["Ana", "López", "Bellavista", "31628", ""]),  # the postal code tells which Bellavista
        (3, ["Ana", "López", "Cerro de la Cruz", "31050", ""]),
        (4, ["Ana", "López", "", "3105", ""]),
        (5, ["Ana" * 40, "López", "", "", "x" * 2001]),
    ]
    rows = {r.number: r for r in check_rows(headers, table, propose_mapping(headers))}
    assert rows[2].ok and rows[2].values["postal_code"] == "31628"
    assert rows[3].errors == ["Fila 3, columna «CP»: El código postal de Cerro de la Cruz es 31460."]
    assert rows[4].errors == ["Fila 4, columna «CP»: El código postal tiene 5 dígitos."]
    assert rows[5].errors == [
        "Fila 5, columna «Nombre»: el texto tiene más de 100 caracteres.",
        "Fila 5, columna «Motivo»: el texto tiene más de 2000 caracteres.",
    ]
