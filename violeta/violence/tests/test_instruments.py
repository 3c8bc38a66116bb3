"""Instruments are data: the EPV-R ships as a file, and a made-up one loads and scores without code changes."""

import itertools
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from violeta.violence import instruments
from violeta.violence.models import RiskInstrument
from violeta.violence.tests.factories import DATA, epv_r, made_up_instrument

pytestmark = pytest.mark.django_db


def test_fresh_database_has_the_epv_r_as_default_with_its_sources():
    instrument = RiskInstrument.objects.get(code="epv-r")
    assert instrument.is_default
    assert len(instrument.items) == 20
    assert [level["code"] for level in instrument.levels] == ["low", "moderate", "high"]
    assert "Psicothema" in instrument.source
    assert "Acta de Investigación Psicológica, 10(3)" in instrument.validation
    assert "21" in instrument.validation
    # nobody has checked the weights against the article yet, and the data says so
    assert instrument.weights_verified is False


def test_loading_twice_updates_instead_of_duplicating():
    call_command("risk_instruments_load", stdout=StringIO())
    call_command("risk_instruments_load", stdout=StringIO())
    assert RiskInstrument.objects.filter(code="epv-r").count() == 1


def _answers_for(instrument, target):
    """Answers (all known) whose weights add up to ``target``, if any."""
    codes = [item["code"] for item in instrument.items]
    weights = {item["code"]: item["weight"] for item in instrument.items}
    for n in range(len(codes) + 1):
        for yes in itertools.combinations(codes, n):
            if sum(weights[c] for c in yes) == target:
                return {c: ("yes" if c in yes else "no") for c in codes}
    return None


@pytest.mark.parametrize("loader", [made_up_instrument, epv_r])
def test_every_level_boundary_scores_as_the_data_says(loader):
    instrument = loader()
    checked = 0
    for level in instrument.levels:
        for boundary in (level["min"], min(level["max"], instrument.max_score)):
            answers = _answers_for(instrument, boundary)
            if answers is None:
                continue
            result = instruments.score(
                items=instrument.items,
                levels=instrument.levels,
                policy=instrument.unknown_policy,
                answers=answers,
            )
            assert result.score == boundary
            assert result.computed_level == level["code"], (boundary, level)
            assert result.incomplete is False
            checked += 1
    assert checked >= 2 * len(instrument.levels) - 1


def test_made_up_instrument_levels_at_each_score():
    instrument = made_up_instrument()
    expected = {0: "low", 1: "low", 2: "moderate", 3: "moderate", 4: "high", 5: "high", 6: "extreme"}
    for target, level in expected.items():
        result = instruments.score(
            items=instrument.items,
            levels=instrument.levels,
            policy=instrument.unknown_policy,
            answers=_answers_for(instrument, target),
        )
        assert result.computed_level == level


def test_unknown_answers_are_flagged_never_scored_as_no():
    instrument = made_up_instrument()
    # c (weight 3) unknown: score 1 so far, but it could be 4 (high): flagged incomplete, possible level shown
    result = instruments.score(
        items=instrument.items,
        levels=instrument.levels,
        policy=instrument.unknown_policy,
        answers={"a": "yes", "b": "no", "c": "unknown"},
    )
    assert result.incomplete is True
    assert result.unknown_count == 1
    assert result.score == 1
    assert result.max_possible == 4
    assert result.possible_level == "high"
    assert result.computed_level == "low"
    # a missing answer is unknown too, and past max_unknown (1) no level is computed at all
    result = instruments.score(
        items=instrument.items,
        levels=instrument.levels,
        policy=instrument.unknown_policy,
        answers={"a": "yes"},
    )
    assert result.unknown_count == 2
    assert result.computed_level == ""


def test_count_as_yes_policy_scores_unknowns_conservatively():
    instrument = made_up_instrument()
    result = instruments.score(
        items=instrument.items,
        levels=instrument.levels,
        policy={"mode": "count_as_yes"},
        answers={"a": "no", "b": "no", "c": "unknown"},
    )
    assert result.score == 3
    assert result.computed_level == "moderate"
    assert result.incomplete is True


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["levels"].pop(1), "gaps"),
        (lambda d: d["items"][0].update(weight=-1), "weight"),
        (lambda d: d["items"][1].update(code="a"), "unique"),
        (lambda d: d["items"].append({"code": "d", "text": "Cuarta", "weight": 1}), "highest score"),
        (lambda d: d.update(unknown_policy={"mode": "guess"}), "unknown_policy"),
    ],
)
def test_broken_instrument_files_are_refused_with_a_reason(tmp_path, change, message):
    data = json.loads((DATA / "made_up.json").read_text())
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match=message):
        call_command("risk_instruments_load", str(path))
    assert not RiskInstrument.objects.filter(code="prueba-corta").exists()
