"""axe-core in the browser tests: the WCAG 2.x A and AA rules run on a Playwright page, serious and critical only.

The library is vendored (scripts/vendor.sh, violeta/static/vendor/axe-core/axe.min.js) and read from the disk,
never fetched. It is evaluated in the page through the DevTools protocol (``page.evaluate``), which the page's
Content-Security-Policy does not govern: no inline ``<script>`` is added, so the CSP needs no exception and the
page is checked with the very policy it is served with. ``check(page)`` returns one readable line per
violation: the rule, its impact, the first elements it found and what to do::

    problems = check(page)
    assert not problems, "\\n".join(problems)

``tally`` counts the pages checked in the session; the terminal summary (violeta/conftest.py) prints it, so the
CI log says how many pages axe saw even when every test passes.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2, levels A and AA (2.2 added no A rule that axe implements apart from 2.1's).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = ("serious", "critical")
TARGETS_SHOWN = 3

RUN = """async ([tags, impacts]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      count: violation.nodes.length,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}"""


@cache
def source() -> str:
    if not AXE_SOURCE.is_file():
        raise FileNotFoundError(f"{AXE_SOURCE} is missing: run `make vendor`")
    return AXE_SOURCE.read_text(encoding="utf-8")


def install(context) -> None:
    """Define ``window.axe`` in every document of a browser context before its own scripts run (an init script,
    through the DevTools protocol like ``inject``, outside the page's CSP). For a context that opens many pages:
    the 550-KB library crosses the protocol once and Chromium reuses its compilation, where ``inject`` sends and
    compiles it again on each page (a crawled page: 87 ms instead of 150, opening included, 2026-12-07)."""
    context.add_init_script(script=source())


def inject(page) -> None:
    """Define ``window.axe`` in the page unless it is there (once per document: a navigation forgets it)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # An expression, not a function: the library's UMD wrapper defines window.axe as it runs.
        page.evaluate(source() + "\n;typeof window.axe")


def violations(page) -> list[dict]:
    """The serious and critical violations of WCAG 2.x A/AA on the page as it is now."""
    inject(page)
    return page.evaluate(RUN, [TAGS, list(SERIOUS)])


def describe(violation: dict) -> str:
    targets = ", ".join(violation["targets"][:TARGETS_SHOWN])
    more = violation["count"] - min(violation["count"], TARGETS_SHOWN)
    extra = f" and {more} more" if more else ""
    return f"axe {violation['id']} ({violation['impact']}): {targets}{extra} — {violation['help']}"


def check(page, *, again: bool = False) -> list[str]:
    """One line per serious or critical violation on ``page``; empty when axe finds none. Counted in ``tally``
    (``again``: the same page checked once more, at another width: its violations count, not the page)."""
    found = [describe(violation) for violation in violations(page)]
    tally.add(page.url, len(found), again=again)
    return found


@dataclass
class Tally:
    """Pages axe checked in this session, and what it found: read by the terminal summary."""

    pages: int = 0
    violations: int = 0
    known: int = 0  # violations a test let through as known (the crawl's KNOWN): counted, and said
    groups: set[str] = field(default_factory=set)

    def add(self, url: str, found: int, *, again: bool = False) -> None:
        self.pages += 0 if again else 1
        self.violations += found

    def summary(self) -> str | None:
        if not self.pages:
            return None
        personas = sorted(self.groups - {"public"})
        who = [f"{len(personas)} persona{'s' if len(personas) > 1 else ''}"] if personas else []
        who += ["the public site"] if "public" in self.groups else []
        groups = f" ({' and '.join(who)})" if who else ""
        known = f" ({self.known} of them known exceptions)" if self.known else ""
        return (
            f"axe-core: {self.pages} pages checked{groups}, "
            f"{self.violations} serious or critical violations{known}"
        )


tally = Tally()


def pytest_terminal_summary(terminalreporter):
    """Say how many pages axe checked, pass or fail (a plugin hook: violeta/conftest.py loads this module)."""
    line = tally.summary()
    if line:
        terminalreporter.write_sep("-", "accessibility")
        terminalreporter.write_line(line)
