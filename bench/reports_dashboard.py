"""Benchmark: every statistics indicator on a large institute's data, beside the same SQL sent by hand (issue 18).

For **every indicator of the registry** (``violeta.reports.indicators.INDICATORS``: an indicator added later is
measured without editing this file) and each filter combination of ``COMBOS`` (a month, a year, a year in the
busiest colonia, a year for one age group, a year under the statistics-consent rule), it

1. calls the selector once to warm up, capturing the SQL the ORM sent (``CaptureQueriesContext``);
2. then ``--runs`` times, alternately, the selector itself (its Python included: the ``Table`` it returns) and
   **the same statements** through a raw psycopg cursor on the same connection (every row fetched): the lower
   bound of what any code could take to get that aggregate from PostgreSQL;
3. prints p50 and p95 of each, and the ratio of the p95s. Targets (issue 18): p95 ≤ 1 s and ratio ≤ 2×.

The data: ``bench/reports_data.py`` (300,000 case files, 1,000,000 consultations), built on the first run in its
own database (``violeta_bench_reports``) and reused after. ``--explain`` prints PostgreSQL's plan
(``EXPLAIN (ANALYZE, BUFFERS)``) of each statement of the figures over target.

    .venv/bin/python bench/reports_dashboard.py                      # every indicator, 5 combinations, 10 runs
    .venv/bin/python bench/reports_dashboard.py --only consultations --runs 20 --explain
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import percentile
from bench.reports_data import DEFAULT_DB, ensure

P95_TARGET_MS = 1000.0
RATIO_TARGET = 2.0


def combos():
    """The filter combinations measured: (label, Filters, Rule). The data end on 30 November 2026."""
    from django.db.models import Count

    from violeta.people.models import Person
    from violeta.reports.indicators import Filters, Rule

    busiest = (
        Person.objects.exclude(neighborhood=None)
        .values("neighborhood")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["neighborhood"]
    )
    year = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))
    return [
        ("month 2026-11", Filters.month(2026, 11), Rule.INTERNAL),
        ("year 2025", year, Rule.INTERNAL),
        ("2025, busiest colonia", year.but(neighborhood=busiest), Rule.INTERNAL),
        ("2025, age 30-44", year.but(age_group="30-44"), Rule.INTERNAL),
        ("2025, statistics rule", year, Rule.STATISTICS),
    ]


def measure(indicator, filters, rule, runs: int):
    """(selector ms list, plain SQL ms list, statements) for one indicator and one combination."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        indicator(filters, rule)
    statements = [q["sql"] for q in captured.captured_queries]
    raw = connection.connection  # the psycopg connection under Django's, same session and time zone
    selector_ms, sql_ms = [], []
    for _ in range(runs):
        started = time.perf_counter()
        indicator(filters, rule)
        selector_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with raw.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
        sql_ms.append((time.perf_counter() - started) * 1000)
    return selector_ms, sql_ms, statements


def explain(statements) -> None:
    from django.db import connection

    with connection.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("    " + sql[:400].replace("\n", " "))
            for (line,) in cursor.fetchall():
                print("      " + line)


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _uptime() -> str:
    try:
        env = {**os.environ, "TZ": "UTC"}  # Django set TZ to the institute's zone
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True, env=env).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"load average {os.getloadavg()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each (selector, plain SQL) pair")
    parser.add_argument("--only", action="append", help="an indicator's slug (repeatable); default: all")
    parser.add_argument("--combo", action="append", help="a combination's label prefix (repeatable)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the figures over target")
    parser.add_argument(
        "--markdown", action="store_true", help="end with a table (one row per indicator) for bench/README.md"
    )
    args = parser.parse_args()

    built = ensure(args.db)
    from violeta.reports.indicators import INDICATORS

    chosen = [INDICATORS[slug] for slug in args.only] if args.only else list(INDICATORS.values())
    measured = [c for c in combos() if not args.combo or any(c[0].startswith(p) for p in args.combo)]
    print(f"Statistics indicators — {built}")
    print(f"commit {_commit()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores")
    print(f"before: {_uptime()}")
    print(f"{len(chosen)} indicators × {len(measured)} combinations, {args.runs} runs each (ms)\n")
    header = f"{'indicator':<28} {'combination':<24} {'q':>2} {'p50':>8} {'p95':>8} {'SQL p50':>8} {'SQL p95':>8} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    worst_p95, worst_ratio, misses = 0.0, 0.0, []
    cells: dict[str, list[str]] = {}
    began = time.perf_counter()
    for indicator in chosen:
        for label, filters, rule in measured:
            try:
                selector_ms, sql_ms, statements = measure(indicator, filters, rule, args.runs)
            except Exception as exc:  # reported, not raised: the other indicators are still measured
                from django.db import connection

                connection.close()  # a failed statement leaves the transaction aborted
                print(f"{indicator.slug[:28]:<28} {label:<24} failed: {exc!r}"[:200], flush=True)
                cells.setdefault(indicator.slug, []).append("failed")
                misses.append((indicator.slug, label))
                continue
            p50, p95 = percentile(selector_ms, 50), percentile(selector_ms, 95)
            s50, s95 = percentile(sql_ms, 50), percentile(sql_ms, 95)
            ratio = p95 / s95 if s95 else float("inf")
            over = p95 > P95_TARGET_MS or ratio > RATIO_TARGET
            mark = "  <-- over target" if over else ""
            print(
                f"{indicator.slug[:28]:<28} {label:<24} {len(statements):>2} {p50:8.1f} {p95:8.1f} {s50:8.1f}"
                f" {s95:8.1f} {ratio:5.2f}×{mark}",
                flush=True,
            )
            worst_p95, worst_ratio = max(worst_p95, p95), max(worst_ratio, ratio)
            cell = f"{p95:,.0f} / {s95:,.0f}"
            cells.setdefault(indicator.slug, []).append(f"**{cell}**" if over else cell)
            if over:
                misses.append((indicator.slug, label))
                if args.explain:
                    explain(statements)
    print(
        f"\nworst p95 {worst_p95:.1f} ms (target ≤ {P95_TARGET_MS:.0f}), worst ratio {worst_ratio:.2f}× "
        f"(target ≤ {RATIO_TARGET:.0f}×); {len(misses)} of {len(chosen) * len(measured)} over target;"
        f" {time.perf_counter() - began:.0f} s"
    )
    for slug, label in misses:
        print(f"  over target: {slug} / {label}")
    print(f"after: {_uptime()}")
    if args.markdown:
        print("\n| indicator | " + " | ".join(label for label, _f, _r in measured) + " |")
        print("|---|" + "---|" * len(measured))
        for slug, row in cells.items():
            print(f"| `{slug}` | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
