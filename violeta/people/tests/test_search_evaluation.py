"""The evaluation set of person search (violeta/testing/names.py, issue 15): realistic people and the ways staff
type their names, the same for a seed, each variant being what its kind says.

These tests check the generator only; what the search finds with it is measured in bench/person_search.py.
"""

import unicodedata
from collections import Counter
from datetime import date

import pytest

from violeta.core.text import normalize_name
from violeta.testing import names

SAMPLE = names.people(3000, seed=15)
NICKNAMES = names.load_nicknames()


def _has_accents(text: str) -> bool:
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFKD", text))


def _variants_of_kind(kind: str, limit: int = 40) -> list[names.Variant]:
    found = []
    for person in SAMPLE:
        found += [v for v in names.variants(person, seed=15, nicknames=NICKNAMES) if v.kind == kind]
        if len(found) >= limit:
            break
    return found


def test_the_same_seed_draws_the_same_people_and_queries():
    assert names.people(500, seed=7) == names.people(500, seed=7)
    assert names.people(500, seed=7) != names.people(500, seed=8)
    for person in SAMPLE[:200]:
        assert names.variants(person, seed=3) == names.variants(person, seed=3)
    typos = [v.text for p in SAMPLE[:200] for v in names.variants(p, seed=3) if v.kind == "typo2"]
    other = [v.text for p in SAMPLE[:200] for v in names.variants(p, seed=4) if v.kind == "typo2"]
    assert typos != other


def test_names_have_realistic_frequencies():
    given = Counter(w for p in SAMPLE for w in p.given_names.split())
    first = Counter(p.first_surname for p in SAMPLE)
    # María and Guadalupe lead the given names, Hernández the surnames, as in Mexico.
    assert {"María", "Guadalupe"} <= {w for w, _n in given.most_common(3)}
    assert first.most_common(1)[0][0] == "Hernández"
    assert 0.03 < first["Hernández"] / len(SAMPLE) < 0.10
    assert any(p.given_names == "María Guadalupe" for p in SAMPLE)
    assert any(p.given_names == "Ana Karen" for p in SAMPLE)
    surnames = {p.first_surname for p in SAMPLE} | {p.second_surname for p in SAMPLE}
    assert {"de la Cruz", "del Río", "de los Santos", "de León"} <= surnames
    assert all(date(1950, 1, 1) <= p.birth_date <= date(2012, 12, 31) for p in SAMPLE)
    assert len({p.identity for p in SAMPLE}) > 0.99 * len(SAMPLE)


def test_every_kind_is_produced():
    produced = {v.kind for p in SAMPLE[:1000] for v in names.variants(p, seed=15)}
    assert produced == set(names.KINDS)


def test_every_nickname_is_produced_for_a_woman_with_that_name():
    # The built-in map: each of its names is borne by someone in the sample.
    builtin = sorted(names.NICKNAMES.items())
    produced = {
        v.detail
        for p in SAMPLE
        for v in names.variants(p, seed=15, nicknames=builtin)
        if v.kind == "nickname"
    }
    assert produced == {f"{nickname} → {name}" for nickname, name in builtin}
    # The data file (when there is one): each nickname whose name someone in the sample bears.
    borne = {normalize_name(p.given_names) for p in SAMPLE} | {
        w for p in SAMPLE for w in normalize_name(p.given_names).split()
    }
    produced = {
        v.detail
        for p in SAMPLE
        for v in names.variants(p, seed=15, nicknames=NICKNAMES)
        if v.kind == "nickname"
    }
    assert produced == {
        f"{nickname} → {name}" for nickname, name in NICKNAMES if normalize_name(name) in borne
    }


def test_each_variant_carries_its_person_and_kind():
    for person in SAMPLE[:300]:
        for v in names.variants(person, seed=15):
            assert v.person == person and v.kind in names.KINDS and v.text.strip()
            if v.fields is not None:
                assert " ".join(f for f in v.fields if f) == v.text


def test_exact_is_her_name_as_registered():
    for v in _variants_of_kind("exact"):
        assert v.text == v.person.full_name
        assert v.fields == (v.person.given_names, v.person.first_surname, v.person.second_surname)


def test_no_accents_has_no_accents_and_is_otherwise_her_name():
    accented = [v for v in _variants_of_kind("no_accents", 200) if _has_accents(v.person.full_name)]
    assert accented
    for v in accented:
        assert not _has_accents(v.text) and "ñ" not in v.text.lower()
        assert v.text.lower() == names.strip_accents(v.person.full_name).lower()


def test_upper_case_is_all_capitals():
    for v in _variants_of_kind("upper"):
        assert v.text == v.text.upper() and v.text == v.person.full_name.upper()


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap of neighbours is one slip)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@pytest.mark.parametrize(("kind", "slips"), [("typo1", 1), ("typo2", 2)])
def test_typos_are_that_many_slips_in_her_name(kind, slips):
    for v in _variants_of_kind(kind):
        typed = normalize_name(v.text).split()
        hers = normalize_name(v.person.full_name).split()
        assert len(typed) == len(hers)
        distances = [_edit_distance(t, h) for t, h in zip(typed, hers, strict=True)]
        assert 1 <= sum(distances) <= slips
        if slips == 2 and len([w for w in hers if len(w) >= 4]) >= 2:
            assert sum(d > 0 for d in distances) == 2  # two different words


def test_nickname_replaces_her_given_names_by_a_nickname_of_one_of_them():
    nicknames = names.load_nicknames()
    found = _variants_of_kind("nickname", 100)
    assert {v.fields[0] for v in found} >= {"Lupita", "Lupe"}
    for v in found:
        nickname, name = v.detail.split(" → ")
        assert v.fields[0] == nickname and (nickname, name) in nicknames
        hers = normalize_name(v.person.given_names)
        assert normalize_name(name) in [hers, *hers.split()]
        assert v.fields[1:] == (v.person.first_surname, v.person.second_surname)


def test_ma_abbreviates_maria():
    found = _variants_of_kind("ma")
    assert {v.detail for v in found} == {"Ma.", "Ma"}
    for v in found:
        assert "María" in v.person.given_names.split()
        assert v.fields[0] == v.person.given_names.replace("María", v.detail, 1)


def test_surnames_first_puts_her_surnames_before_her_given_names():
    for v in _variants_of_kind("surnames_first"):
        p = v.person
        assert v.fields is None
        assert v.text == " ".join(x for x in (p.first_surname, p.second_surname, p.given_names) if x)


def test_one_surname_keeps_only_the_first_surname():
    for v in _variants_of_kind("one_surname"):
        assert v.person.second_surname
        assert v.fields == (v.person.given_names, v.person.first_surname, "")


def test_missing_given_keeps_only_her_first_given_name():
    for v in _variants_of_kind("missing_given"):
        assert len(v.person.given_names.split()) > 1
        assert v.fields == (v.person.given_names.split()[0], v.person.first_surname, v.person.second_surname)


def test_particles_dropped_has_no_particle_left():
    found = _variants_of_kind("particles_dropped")
    assert found
    for v in found:
        words = normalize_name(v.text).split()
        assert not set(words) & set(names.PARTICLES)
        assert set(words) < set(normalize_name(v.person.full_name).split())


def test_particles_glued_writes_the_particles_as_one_word_with_the_surname():
    found = _variants_of_kind("particles_glued")
    assert any("DelaCruz" in v.fields for v in found)
    for v in found:
        assert len(v.text.split()) < len(v.person.full_name.split())
        assert v.text.replace(" ", "").lower() == v.person.full_name.replace(" ", "").lower()


def test_y_between_joins_her_surnames_with_y():
    for v in _variants_of_kind("y_between"):
        p = v.person
        assert v.fields is None and v.text == f"{p.given_names} {p.first_surname} y {p.second_surname}"


def test_nicknames_come_from_the_data_file_when_it_exists(tmp_path):
    data = tmp_path / "hipocoristicos.csv"
    data.write_text(
        "# a comment\nnombre,hipocoristico\nMaría,Maru\nMaría,Ma.\nAlberto,Beto\nRoberto,Beto\n",
        encoding="utf-8",
    )
    assert names.load_nicknames(data) == [("Beto", "Alberto"), ("Beto", "Roberto"), ("Maru", "María")]
    plain = tmp_path / "plain.csv"
    plain.write_text("Maru,María\n", encoding="utf-8")
    assert names.load_nicknames(plain) == [("Maru", "María")]
    assert names.load_nicknames(tmp_path / "missing.csv") == sorted(names.NICKNAMES.items())
    maru = names.PersonName("María José", "López", "Pérez", date(1990, 1, 2))
    typed = [
        v.text for v in names.variants(maru, nicknames=names.load_nicknames(data)) if v.kind == "nickname"
    ]
    assert typed == ["Maru López Pérez"]
