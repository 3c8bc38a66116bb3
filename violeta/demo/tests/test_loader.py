"""The demo loader: one signature for every app's demo, called in the layers' order, and its shared context."""

import inspect
import tomllib
from pathlib import Path

import pytest

from violeta.core.demo import Demo
from violeta.demo.loader import LOADERS


def _layer_of() -> dict[str, int]:
    """App -> its layer's position in pyproject.toml's layers contract (0 = the top)."""
    config = tomllib.loads((Path(__file__).resolve().parents[3] / "pyproject.toml").read_text())
    (layers,) = [c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return {app.strip(): index for index, layer in enumerate(layers) for app in layer.split("|")}


def test_every_app_demo_has_the_one_signature():
    for label, load in LOADERS:
        assert load.__module__ == f"violeta.{label}.demo"
        assert list(inspect.signature(load).parameters) == ["demo"], label


def test_apps_are_loaded_bottom_layer_first():
    layer = _layer_of()
    positions = [layer[label] for label, _load in LOADERS]
    assert positions == sorted(positions, reverse=True), positions


def test_the_registry_finds_what_an_earlier_app_left_and_refuses_to_overwrite_it():
    demo = Demo.create()
    demo["cases.clock"] = clock = object()
    assert demo["cases.clock"] is clock and "cases.clock" in demo
    with pytest.raises(KeyError, match="already"):
        demo["cases.clock"] = object()
    with pytest.raises(KeyError, match="loaded before"):
        demo["legal.first_matters"]


def test_the_seeded_context_draws_the_same_every_time():
    first, second = Demo.create(), Demo.create()
    assert [first.phone() for _ in range(3)] == [second.phone() for _ in range(3)]
    assert first.fake.first_name_female() == second.fake.first_name_female()
    assert first.business_moment(first.today).weekday() < 5
