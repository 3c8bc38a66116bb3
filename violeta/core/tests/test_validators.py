import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.mx import curp as stdnum_curp

from violeta.core.validators import format_phone, mask_phone, parse_curp, parse_phone
from violeta.people.tests.factories import curp_for


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("614 490 0789", "+526144900789"),
        ("(614) 4900789", "+526144900789"),
        ("6144900789", "+526144900789"),
        ("+52 1 614 490 0789", "+526144900789"),
        ("+52 614 490 0789", "+526144900789"),
        ("044 614 490 0789", "+526144900789"),
        ("045 614 490 0789", "+526144900789"),
        ("614-410-23-05", "+526144102305"),
        ("55 1234 5678", "+525512345678"),
    ],
)
def test_parse_phone_accepts_the_ways_mexicans_write_numbers(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+1 915 555 0123", "+19155550123"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+34 612 34 56 78", "+34612345678"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_parse_phone_accepts_international_numbers(raw, expected):
    assert parse_phone(raw) == expected


def test_parse_phone_uses_the_given_region_for_national_numbers():
    assert parse_phone("(915) 555-0123", region="US") == "+19155550123"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "phone_empty"),
        ("   ", "phone_empty"),
        ("no tengo", "phone_format"),
        ("123", "phone_invalid"),
        ("614 490 078", "phone_invalid"),
        ("+52 614 490 07891234", "phone_invalid"),
    ],
)
def test_parse_phone_rejects_junk_with_a_spanish_message(raw, code):
    with pytest.raises(ValidationError) as exc:
        parse_phone(raw)
    assert exc.value.code == code
    message = exc.value.messages[0]
    assert "teléfono" in message
    if code != "phone_empty":
        assert "10 dígitos" in message
        assert raw.strip() in message


def test_format_and_mask_phone_for_display():
    assert format_phone("+526144900789") == "614 490 0789"
    assert format_phone("+14155552671") == "+1 415-555-2671"
    assert format_phone("") == ""
    assert mask_phone("+526144900789") == "*** *** 0789"
    assert mask_phone("") == ""


VALID_CURP = "BOXW310820HNERXN09"


def test_parse_curp_accepts_a_valid_curp_and_compacts_it():
    assert parse_curp(VALID_CURP) == VALID_CURP
    assert parse_curp(" boxw-310820-hnerxn09 ") == VALID_CURP


def test_curps_built_by_the_factory_helper_are_valid():
    curp = curp_for(
        given_names="María Guadalupe",
        first_surname="Peña",
        second_surname="Núñez",
        birth_date=datetime.date(1988, 3, 14),
    )
    assert curp.startswith("PENM880314MCHXXR0")  # Ñ is written X, as RENAPO does
    assert stdnum_curp.is_valid(curp)
    assert parse_curp(curp) == curp
    born_2003 = curp_for(
        given_names="Ana", first_surname="López", birth_date=datetime.date(2003, 1, 2), differentiator=1
    )
    assert born_2003[16] == "B"
    assert parse_curp(born_2003) == born_2003


def test_parse_curp_rejects_a_bad_check_digit_in_spanish():
    with pytest.raises(ValidationError) as exc:
        parse_curp("BOXW310820HNERXN08")
    assert exc.value.code == "curp_checksum"
    assert "dígito verificador" in exc.value.messages[0]


@pytest.mark.parametrize(("raw", "n"), [("BOXW310820HNERXN0", 17), ("BOXW310820HNERXN091", 19), ("BOXW", 4)])
def test_parse_curp_rejects_a_wrong_length_saying_how_long_it_is(raw, n):
    with pytest.raises(ValidationError) as exc:
        parse_curp(raw)
    assert exc.value.code == "curp_length"
    assert exc.value.messages == [f"La CURP debe tener 18 caracteres; tiene {n}."]


def test_parse_curp_rejects_a_bad_format_and_bad_components_in_spanish():
    with pytest.raises(ValidationError) as exc:
        parse_curp("1234567890ABCDEFGH")
    assert exc.value.code == "curp_format"
    assert "formato correcto" in exc.value.messages[0]

    bad_month = "BOXW311320HNERXN0"
    bad_month += stdnum_curp.calc_check_digit(bad_month)
    with pytest.raises(ValidationError) as exc:
        parse_curp(bad_month)
    assert exc.value.code == "curp_component"
    assert "fecha de nacimiento" in exc.value.messages[0]


def test_parse_curp_rejects_empty():
    with pytest.raises(ValidationError) as exc:
        parse_curp("")
    assert exc.value.code == "curp_length"


# --- dates checked against sense (issue 16) -------------------------------------------------------------------

TODAY = datetime.date(2026, 12, 5)


def test_validate_birth_date_refuses_the_future_and_more_than_110_years_ago():
    from violeta.core.validators import validate_birth_date

    validate_birth_date(TODAY, today=TODAY)
    validate_birth_date(datetime.date(1916, 12, 5), today=TODAY)  # 110 today
    with pytest.raises(ValidationError) as exc:
        validate_birth_date(datetime.date(2030, 1, 15), today=TODAY)
    assert exc.value.code == "birth_future"
    assert "no puede ser posterior a hoy" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        validate_birth_date(datetime.date(1916, 12, 4), today=TODAY)
    assert exc.value.code == "birth_too_old"
    assert "más de 110 años" in exc.value.messages[0]


def test_validate_not_future_takes_dates_and_datetimes():
    from django.utils import timezone

    from violeta.core.validators import validate_not_future

    validate_not_future(timezone.localdate())
    validate_not_future(timezone.now())
    with pytest.raises(ValidationError) as exc:
        validate_not_future(timezone.localdate() + datetime.timedelta(days=1))
    assert exc.value.code == "date_future"
    with pytest.raises(ValidationError):
        validate_not_future(timezone.now() + datetime.timedelta(hours=2))
