from violeta.dataimport.fields import propose_mapping
from violeta.dataimport.validation import mapping_errors


def test_the_map_is_proposed_from_spanish_headers_whatever_their_accents_and_case():
    headers = [
        "NOMBRE(S)",
        "Primer Apellido",
        "apellido materno",
        "curp",
        "Telefono",
        "Fecha de Nacimiento",
        "COLONIA",
        "C.P.",
        "Folio",
        "Fecha de atención",
        "AREA",
        "Modalidad",
        "Observaciones",
        "Estatus",
        "Religión",
    ]
    assert propose_mapping(headers) == {
        "0": "given_names",
        "1": "first_surname",
        "2": "second_surname",
        "3": "curp",
        "4": "phone",
        "5": "birth_date",
        "6": "neighborhood",
        "7": "postal_code",
        "8": "folio",
        "9": "consulted_on",
        "10": "area",
        "11": "modality",
        "12": "summary",
        "13": "case_status",
    }


def test_a_field_is_proposed_for_one_column_only():
    assert propose_mapping(["Teléfono", "Celular", "Nombre"]) == {"0": "phone", "2": "given_names"}


def test_the_map_needs_the_name_columns_once_each():
    assert mapping_errors({"0": "given_names"}) == ["Elija la columna que contiene «Primer apellido»."]
    assert mapping_errors({"0": "given_names", "1": "first_surname", "2": "first_surname"}) == [
        "Solo una columna puede contener «Primer apellido»."
    ]
    assert mapping_errors({"0": "given_names", "1": "first_surname"}) == []
