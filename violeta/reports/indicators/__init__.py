"""The indicators: one selector each, registered here in the order the dashboard and the exports show them.

An indicator is a function ``(filters: Filters, rule: Rule) -> Table`` decorated with ``@indicator(...)`` in one
of this package's modules (one module per area of the institute's work). Importing this package imports them
all, so ``INDICATORS`` is complete wherever it is read. See ``base`` for the filters, the consent rule and the
table every indicator returns, and docs/reports.md for what each one counts.
"""

from violeta.reports.indicators.base import (  # noqa: F401  (the package's interface)
    INDICATORS,
    Column,
    Filters,
    Indicator,
    Kind,
    Rule,
    Table,
    get,
    indicator,
)

# Each module registers its indicators when imported; the order here is the dashboard's.
from violeta.reports.indicators import cases  # noqa: F401  isort: skip
from violeta.reports.indicators import territory  # noqa: F401  isort: skip
from violeta.reports.indicators import violence  # noqa: F401  isort: skip
from violeta.reports.indicators import referrals  # noqa: F401  isort: skip
from violeta.reports.indicators import legal  # noqa: F401  isort: skip
from violeta.reports.indicators import alerts  # noqa: F401  isort: skip
from violeta.reports.indicators import card  # noqa: F401  isort: skip
from violeta.reports.indicators import programs  # noqa: F401  isort: skip
from violeta.reports.indicators import calls  # noqa: F401  isort: skip
from violeta.reports.indicators import casework  # noqa: F401  isort: skip
