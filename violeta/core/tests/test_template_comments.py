"""A Django ``{# … #}`` comment ends on its own line: one spread over two lines is printed on the page, as a card
of the statistics dashboard once showed its developer's note to the director. Longer notes use
``{% comment %}``."""

import re
from pathlib import Path

import violeta


def test_no_template_comment_spans_lines():
    root = Path(violeta.__file__).parent
    offending = []
    for template in root.glob("**/templates/**/*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\{#(?!.*#\})", line):
                offending.append(f"{template.relative_to(root)}:{number}")
    assert offending == []
