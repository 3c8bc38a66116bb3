"""The shape of the house (docs/architecture.md): no module a newcomer cannot read in one sitting.

The layers themselves are checked by import-linter (``make lint``, contracts in pyproject.toml), not here.
"""

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
LIMIT = 600  # lines; split a module by concern well before it comes near


def application_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or "tests" in parts:
            continue
        yield path


def test_the_modules_are_found():
    modules = {path.relative_to(PACKAGE).as_posix() for path in application_modules()}
    assert {"settings/__init__.py", "cases/services.py", "messaging/sender.py"} <= modules
    assert not any("/tests/" in name or "/migrations/" in name for name in modules)


@pytest.mark.parametrize("path", list(application_modules()), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_is_over_the_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{path.relative_to(PACKAGE)} has {lines} lines: split it by concern"
