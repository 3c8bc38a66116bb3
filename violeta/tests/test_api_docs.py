"""docs/api.md's table of error codes is the code's: every code the API can answer with, and its status."""

import re
from pathlib import Path

from django.conf import settings

from violeta.api import ERROR_CODES, RATE_LIMITS
from violeta.core import errors, idempotency

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"


def documented() -> dict[str, int]:
    rows = re.finditer(r"^\| `([a-z_]+)` \| (\d{3}) \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    return {row.group(1): int(row.group(2)) for row in rows}


def test_the_docs_table_is_the_catalogue():
    assert documented() == {code: status for code, (status, _meaning) in ERROR_CODES.items()}


def test_every_code_the_framework_answers_is_in_the_catalogue():
    catalogue = set(ERROR_CODES)
    assert catalogue >= errors.CODES
    assert catalogue >= idempotency.CODES
    assert catalogue >= {"csrf_failed", "mfa_required", "unauthorized"}
    for status, code in errors.CODE_BY_STATUS.items():
        assert ERROR_CODES[code][0] == status


def test_every_rate_limit_is_a_429():
    for code in RATE_LIMITS:
        assert ERROR_CODES[code][0] == 429, code
