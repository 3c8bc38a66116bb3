"""Risk instruments as data: reading and checking their JSON files, loading them, and scoring an assessment.

Nothing about a particular instrument is written in code: an institute loads the one it is licensed to use by
dropping a JSON file in ``violeta/violence/instruments/`` (or passing its path) and running
``manage.py risk_instruments_load``. The loader is also called by a data migration, with the historical model.
"""

import json
from dataclasses import dataclass
from pathlib import Path

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
ANSWERS = ("yes", "no", "unknown")
POLICIES = ("flag", "count_as_yes")


class InstrumentError(ValueError):
    pass


def validate(data: dict) -> dict:
    """Check an instrument's data and return it normalised; InstrumentError says what is wrong."""
    for key in ("code", "version", "name", "source", "items", "levels"):
        if not data.get(key):
            raise InstrumentError(f"missing '{key}'")
    items = data["items"]
    codes = [str(item.get("code", "")) for item in items]
    if "" in codes or len(set(codes)) != len(codes):
        raise InstrumentError("every item needs a unique 'code'")
    for item in items:
        if not item.get("text"):
            raise InstrumentError(f"item {item['code']} has no text")
        if not isinstance(item.get("weight"), int) or isinstance(item["weight"], bool) or item["weight"] < 0:
            raise InstrumentError(f"item {item['code']}: weight must be a whole number ≥ 0")
    max_score = sum(item["weight"] for item in items)
    levels = data["levels"]
    expected = 0
    for level in levels:
        if not level.get("code") or not level.get("label"):
            raise InstrumentError("every level needs a 'code' and a 'label'")
        if (
            level.get("min") != expected
            or not isinstance(level.get("max"), int)
            or level["max"] < level["min"]
        ):
            raise InstrumentError(
                f"level {level['code']}: levels must follow each other from 0 without gaps or overlaps"
            )
        expected = level["max"] + 1
    if expected <= max_score:
        raise InstrumentError(f"the levels end at {expected - 1} but the highest score is {max_score}")
    if len({level["code"] for level in levels}) != len(levels):
        raise InstrumentError("level codes must be unique")
    policy = dict(data.get("unknown_policy") or {"mode": "flag"})
    if policy.get("mode") not in POLICIES:
        raise InstrumentError(f"unknown_policy.mode must be one of {', '.join(POLICIES)}")
    if "max_unknown" in policy and (not isinstance(policy["max_unknown"], int) or policy["max_unknown"] < 0):
        raise InstrumentError("unknown_policy.max_unknown must be a whole number ≥ 0")
    return {
        "code": data["code"],
        "version": str(data["version"]),
        "name": data["name"],
        "source": data["source"],
        "validation": data.get("validation", ""),
        "notes": data.get("notes", ""),
        "weights_verified": bool(data.get("weights_verified", False)),
        "is_default": bool(data.get("default", data.get("is_default", False))),
        "unknown_policy": policy,
        "items": [
            {
                "code": str(item["code"]),
                "text": item["text"],
                "weight": item["weight"],
                "group": item.get("group", ""),
            }
            for item in items
        ],
        "levels": [
            {
                "code": level["code"],
                "label": level["label"],
                "min": level["min"],
                "max": level["max"],
                "alarm": bool(level.get("alarm", False)),
            }
            for level in levels
        ],
    }


def read(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InstrumentError(f"{path}: {exc}") from exc
    try:
        return validate(data)
    except InstrumentError as exc:
        raise InstrumentError(f"{path}: {exc}") from exc


def bundled_files() -> list[Path]:
    return sorted(INSTRUMENTS_DIR.glob("*.json"))


def load(model, data: dict):
    """Create or update one instrument (``model`` may be the historical one in a migration).

    Answers of past assessments keep the instrument they were made with: a changed instrument should be loaded
    as a new ``version``. Only one instrument is the default.
    """
    data = validate(data)
    fields = {k: v for k, v in data.items() if k not in ("code", "version")}
    instrument, _created = model.objects.update_or_create(
        code=data["code"], version=data["version"], defaults={**fields, "is_active": True}
    )
    if instrument.is_default:
        model.objects.exclude(pk=instrument.pk).filter(is_default=True).update(is_default=False)
    return instrument


@dataclass(frozen=True)
class Score:
    score: int
    max_possible: int
    unknown_count: int
    incomplete: bool
    computed_level: str  # "" when the instrument's policy says the level cannot be computed
    possible_level: str  # the level if every unknown answer were "yes"


def level_for(levels: list[dict], score: int) -> str:
    for level in levels:
        if level["min"] <= score <= level["max"]:
            return level["code"]
    return levels[-1]["code"]


def score(*, items: list[dict], levels: list[dict], policy: dict, answers: dict[str, str]) -> Score:
    """Score answers (item code → yes / no / unknown). A missing answer counts as unknown, never as "no"."""
    total = unknown_weight = unknown = 0
    for item in items:
        answer = answers.get(item["code"], "unknown")
        if answer == "yes":
            total += item["weight"]
        elif answer != "no":
            unknown += 1
            unknown_weight += item["weight"]
    mode = policy.get("mode", "flag")
    if mode == "count_as_yes":
        total += unknown_weight
    max_possible = total if mode == "count_as_yes" else total + unknown_weight
    computed = level_for(levels, total)
    if mode == "flag" and unknown > policy.get("max_unknown", len(items)):
        computed = ""
    return Score(
        score=total,
        max_possible=max_possible,
        unknown_count=unknown,
        incomplete=unknown > 0,
        computed_level=computed,
        possible_level=level_for(levels, max_possible),
    )
