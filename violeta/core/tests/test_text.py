import pytest
from django.conf import settings
from django.db import connection

from violeta.core.text import normalize_name, similarity, strip_accents, trigrams


@pytest.mark.parametrize(
    "raw",
    ["María Hernández", "MARIA HERNANDEZ", "Ma. Hernández", "maria  hernández", "  María-Hernández. "],
)
def test_normalize_name_ignores_accents_case_punctuation_and_abbreviations(raw):
    assert normalize_name(raw) == "maria hernandez"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ma. Gpe. Peña", "maria guadalupe peña"),
        ("FCO. JAVIER NÚÑEZ", "francisco javier nuñez"),
        ("José Ant. O'Higgins", "jose antonio o higgins"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_name_keeps_enye_and_expands_mexican_abbreviations(raw, expected):
    assert normalize_name(raw) == expected


def test_strip_accents_keeps_enye_in_both_cases():
    assert strip_accents("Ñoño Pérez Güémez") == "Ñoño Perez Guemez"


def test_trigrams_are_padded_like_pg_trgm():
    assert trigrams("ana") == {"  a", " an", "ana", "na "}
    assert trigrams("ana ana") == trigrams("ana")


# Values computed by PostgreSQL 15's pg_trgm ``similarity()`` for the same pairs.
PG_TRGM_SIMILARITY = [
    ("maria hernandez", "maria hernandez", 1.0),
    ("maria hernandez", "maria hernandes", 0.7777778),
    ("maria hernandez", "mario fernandez", 0.52380955),
    ("ana", "ana maria", 0.4),
    ("peña", "pena", 0.25),
    ("maria hernandez", "guadalupe soto", 0.0),
]


@pytest.mark.parametrize(("a", "b", "expected"), PG_TRGM_SIMILARITY)
def test_similarity_matches_pg_trgm_values(a, b, expected):
    assert similarity(a, b) == pytest.approx(expected, abs=1e-6)
    assert similarity(b, a) == pytest.approx(expected, abs=1e-6)


def test_similarity_of_empty_text_is_zero():
    assert similarity("", "maria") == 0.0
    assert similarity("maria", "   ") == 0.0


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="compares against the live pg_trgm extension")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("maria hernandez", "maria hernandes"),
        ("maria guadalupe peña nuñez", "guadalupe peña"),
        ("ana sofia", "sofia ana"),
        ("x", "xy z"),
        ("ñuñez ibañez", "nunez ibanez"),
    ],
)
def test_similarity_mirrors_the_database(a, b):
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [a, b])
        (expected,) = cursor.fetchone()
    assert similarity(a, b) == pytest.approx(expected, abs=1e-6)
