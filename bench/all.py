"""`make bench SCALE=…`: every benchmark of issue 22 at one scale, one after the other, each printing its figures
beside the lower bound it measures in the same run.

    .venv/bin/python bench/all.py --scale small              # minutes: the data at 1/100, short runs
    .venv/bin/python bench/all.py --scale state              # the full data (built once, about 20 minutes)
    .venv/bin/python bench/all.py --scale state --only pages --only cards
    .venv/bin/python bench/all.py --scale state --load-minutes 10   # and the locust load test

Each benchmark is its own script (documented in bench/README.md) run as a subprocess with its output streamed;
this only chooses their arguments for the scale and says which ones failed. Run it on an otherwise idle machine:
the figures are the machine's as much as Violeta's (each script prints the load and the hypervisor's steal).
The data is encrypted with the keys of ``VIOLETA_VAR_DIR`` (default ``var/``): measure with the same one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Per scale: the database bench/reports_data.py builds, how many runs per page, the person-search size.
SCALES = {
    "small": {"db": "violeta_bench_small", "runs": 10, "people": 20_000, "mia_seconds": 10},
    "state": {"db": "violeta_bench_state", "runs": 30, "people": 1_000_000, "mia_seconds": 20},
}


def plan(scale: str, load_minutes: float) -> list[tuple[str, list[str]]]:
    s = SCALES[scale]
    steps = [
        ("data", ["bench/reports_data.py", "--scale", scale]),
        ("pages", ["bench/staff_pages.py", "--db", s["db"], "--source", "", "--runs", str(s["runs"])]),
        ("cards", ["bench/card_validation.py"]),
        ("mia", ["bench/mia_alerts.py", "--rate", "100", "--seconds", str(s["mia_seconds"])]),
        ("senders", ["bench/senders.py"]),
        (
            "search",
            [
                "bench/person_search.py",
                "--people",
                str(s["people"]),
                "--reuse",
                f"violeta_bench_search_{scale}",
            ],
        ),
    ]
    if load_minutes:
        steps.append(("load", ["bench/loadtest.py", "--minutes", str(load_minutes), "--db", s["db"]]))
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument(
        "--only", action="append", default=[], help="a step's name (repeatable): data, pages, …"
    )
    parser.add_argument("--load-minutes", type=float, default=0, help="also the locust load test, this long")
    args = parser.parse_args()

    failed = []
    for name, argv in plan(args.scale, args.load_minutes):
        if args.only and name not in args.only and name != "data":
            continue
        print(f"\n=== {name}: {' '.join(argv)}  (load average {os.getloadavg()[0]:.1f})", flush=True)
        started = time.monotonic()
        status = subprocess.call([PYTHON, *argv], cwd=ROOT)
        print(f"=== {name}: exit {status} after {time.monotonic() - started:.0f} s", flush=True)
        if status:
            failed.append(name)
            if name == "data":
                break
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("\nEvery benchmark ran; the figures are above, each beside its bound.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
