"""SMS text: plain GSM-7 without accents, one 160-character segment, the link always whole."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from violeta.messaging.text import GSM7, SEGMENT, fit, is_single_gsm7_segment, to_gsm7

LINK = "https://violeta.immchihuahua.gob.mx/a/Zq3-x_9Kp2LmN8vR4tYw1A/"
ALERT = "ALERTA MIA: {name} necesita ayuda. Ubicación en vivo: {link}"
LOCATION = "MIA: la ubicación de {name} ya está en su página: {link}"


def assert_plain_segment(text: str) -> None:
    assert len(text) <= SEGMENT, (len(text), text)
    assert text.isascii(), text
    assert all(ch in GSM7 for ch in text), text
    assert is_single_gsm7_segment(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("María José Ñúñez", "Maria Jose Nunez"),
        ("¿Dónde estás? ¡Ayuda!", "Donde estas? Ayuda!"),
        ("Ubicación  en\tvivo\n", "Ubicacion en vivo"),
        ("Güera 💜 ❤️", "Guera"),
        ("Ana [casa] {x} ~ ^ | \\ €", "Ana casa x"),
        ("  Çà è  ", "Ca e"),
    ],
)
def test_to_gsm7_drops_accents_and_anything_outside_the_basic_set(raw, expected):
    assert to_gsm7(raw) == expected


def test_to_gsm7_keeps_edge_spaces_when_asked():
    assert to_gsm7("  Dónde  ", strip=False) == " Donde "


def test_fit_gives_one_plain_segment_with_the_name_and_the_whole_link():
    text = fit(ALERT, name="María Ñúñez", link=LINK)

    assert text == f"ALERTA MIA: Maria Nunez necesita ayuda. Ubicacion en vivo: {LINK}"
    assert_plain_segment(text)


def test_fit_shortens_a_very_long_name_and_keeps_the_link_whole():
    long_name = "María de los Ángeles Guadalupe Hernández Ñúñez de la Peña y Sánchez " * 2

    text = fit(ALERT, name=long_name, link=LINK)

    assert_plain_segment(text)
    assert text.endswith(LINK)
    assert "Maria de los Angeles" in text
    assert "Sanchez" not in text  # the name was cut, not the link
    assert len(text) >= SEGMENT - 1  # it keeps as much of the name as fits
    assert "  " not in text


@pytest.mark.parametrize("extra", range(30, 60))
def test_fit_never_leaves_a_double_space_where_the_name_was_cut(extra):
    link = "https://v.mx/a/" + "x" * extra

    text = fit(ALERT, name="Ana Sofia Maria Lopez Perez Garcia Hernandez Ramirez Torres", link=link)

    assert_plain_segment(text)
    assert text.endswith(link)
    assert "  " not in text
    assert " necesita ayuda" in text


def test_fit_fills_codes_and_uses_a_neutral_name_when_hers_has_no_letters_left():
    assert fit("Tu código es {code}.", code="048213") == "Tu codigo es 048213."
    assert fit("{name} canceló su alerta.", name="💜💜") == "Tu contacto cancelo su alerta."


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(max_size=80),
    template=st.sampled_from(
        [ALERT, LOCATION, "{name} te agregó a su red de apoyo en MIA. Confirma aquí: {link}"]
    ),
    token=st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=16, max_size=43
    ),
)
def test_fit_always_gives_one_gsm7_segment_with_the_whole_link(name, template, token):
    link = f"https://violeta.example.mx/a/{token}/"

    text = fit(template, name=name, link=link)

    assert_plain_segment(text)
    assert link in text
    assert "  " not in text
