"""Name analysis: words, particles, abbreviations and the nickname file."""

import pytest

from violeta.people import names
from violeta.people.names import analyse, name_words, word_variants


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("María de la Luz", ["maria", "luz"]),
        ("MA. DE JESÚS", ["maria", "jesus"]),
        ("DelaCruz", ["cruz"]),
        ("de los Santos", ["santos"]),
        ("DeLosSantos", ["santos"]),
        ("Delgado", ["delgado"]),
        ("Pérez y Gómez", ["perez", "gomez"]),
        ("Gpe.", ["guadalupe"]),
        ("Fco. Javier", ["francisco", "javier"]),
        ("Núñez", ["nuñez"]),
    ],
)
def test_name_words(typed, words):
    assert name_words(typed) == words


def test_analyse_keeps_the_fields_apart():
    fields = analyse("Ma. Guadalupe", "de la Cruz", "Flores")
    assert fields.given == ("maria", "guadalupe")
    assert fields.surname1 == ("cruz",)
    assert list(fields.items())[-1] == ("surname2", 0, "flores")


@pytest.mark.parametrize(
    ("nickname", "full"),
    [
        ("lupita", "guadalupe"),
        ("chayo", "rosario"),
        ("lety", "leticia"),
        ("lulu", "lourdes"),
        ("chepina", "josefina"),
        ("maru", "eugenia"),
        ("marilu", "lourdes"),
        ("cuca", "refugio"),
    ],
)
def test_nicknames_come_from_the_data_file(nickname, full):
    assert full in word_variants(nickname)


def test_a_full_name_offers_its_nicknames_too():
    assert "lupita" in word_variants("guadalupe")


def test_an_ambiguous_glued_particle_offers_both_readings():
    assert set(word_variants("delrio")) >= {"delrio", "rio"}


def test_a_new_line_in_the_nickname_file_makes_a_new_nickname_work(tmp_path, settings):
    data = tmp_path / "apodos.csv"
    data.write_text(names.DEFAULT_NICKNAMES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    settings.PEOPLE_NICKNAMES_FILE = str(data)
    assert "eufrosina" not in word_variants("chencha")
    with data.open("a", encoding="utf-8") as handle:
        handle.write("Chencha,Eufrosina\n")
    assert word_variants("chencha")["eufrosina"] == names.NICKNAME
