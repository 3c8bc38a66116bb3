"""The load test (issue 22): a realistic mix of staff and MIA traffic against gunicorn, headless and bounded.

What it does, in one command:
1. The database: by default ``violeta_bench_load``, made anew (migrations and ``manage.py demo_data``: the demo
   accounts, 150 case files); or ``--db NAME``, an existing database (e.g. ``violeta_bench_reports``, built by
   ``bench/reports_data.py``), migrated if needed and **written to** (consultations, alerts, sessions, audit;
   the staff it picks get the load test's password): use a copy of a database others read.
2. The data the traffic needs (bench/loadtest/data.py): staff to sign in as, merchants' tills and cards, MIA
   accounts with device tokens and contacts.
3. gunicorn (``--web-workers`` × ``--threads``), the task worker (``db_worker``), the message sender and the fake
   Twilio (violeta/testing/fake_twilio.py) as processes.
4. locust, headless (bench/loadtest/locustfile.py: the mix and why), ``--users`` people started at
   ``--spawn-rate`` per second, for ``--minutes``; then everything is stopped.
5. It prints each endpoint's requests, failures and p50/p95/p99 from locust's stats CSV, the cheapest
   authenticated requests of the same run ("bound: …") beside them, the failures by kind, the CPU time per
   request of the web, the worker and sender, and PostgreSQL (robust to other load on the machine), and the
   machine's load average. It exits 1 if any request failed.

The limits are production's: every simulated person comes from an address of her own (X-Forwarded-For through
the trusted proxy 127.0.0.1), so per-address limits count each person as they would behind a reverse proxy.

    .venv/bin/python bench/loadtest.py --minutes 10 --users 40
    .venv/bin/python bench/loadtest.py --minutes 10 --users 40 --db violeta_bench_reports_copy
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PY, ROOT, free_port, gunicorn, psql, stop
from bench.mia_alerts import CpuMeter, twilio_env


def database(args, env):
    """Create (default) or reuse the database; migrate it; demo data in a new one."""
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc",
         f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    fresh = not args.db_given
    if fresh and exists:
        psql(f'DROP DATABASE "{args.db}" WITH (FORCE)')
    if fresh or not exists:
        psql(f'CREATE DATABASE "{args.db}"')
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if fresh:
        subprocess.run(
            [PY, "manage.py", "demo_data"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def stats_rows(prefix):
    with open(f"{prefix}_stats.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_rows(prefix, kind):
    """locust's ``_failures.csv`` (failed requests) or ``_exceptions.csv`` (a task that raised)."""
    path = Path(f"{prefix}_{kind}.csv")
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def report(prefix, busy, seconds, load_before, load_after):
    rows = stats_rows(prefix)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    endpoints = sorted((row for row in rows if row["Name"] != "Aggregated"), key=lambda r: r["Name"])
    bounds = [row for row in endpoints if row["Name"].startswith("bound:")]
    width = max(len(row["Name"]) for row in rows) + 2  # each name says its method
    print(
        f"\n{'endpoint':<{width}} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for row in [*endpoints, total]:
        label = row["Name"]
        print(
            f"{label:<{width}} {row['Request Count']:>9} {row['Failure Count']:>9} {row['50%']:>8}"
            f" {row['95%']:>8} {row['99%']:>8}"
        )
    print("\nthe bound (cheapest authenticated requests, same run):")
    for row in bounds:
        print(f"  {row['Name']:<{width}} p95 {row['95%']} ms")
    worst = max(
        (row for row in endpoints if not row["Name"].startswith("bound:")), key=lambda r: float(r["95%"])
    )
    print(f"  slowest endpoint at p95: {worst['Name']} {worst['95%']} ms")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    exceptions = csv_rows(prefix, "exceptions")
    failures += sum(int(row["Count"]) for row in exceptions)
    print(f"\nrequests {requests} in {seconds:.0f} s ({requests / seconds:.1f}/s); failures {failures}")
    for row in csv_rows(prefix, "failures"):
        print(f"  FAILED {row['Occurrences']}× {row['Name']}: {row['Error']}")
    for row in exceptions:
        where = row["Traceback"].strip().splitlines()[-2:]
        print(f"  RAISED {row['Count']}× {row['Message']} at {' '.join(line.strip() for line in where)}")
    if requests:
        print(
            "CPU per request (ms): "
            + "  ".join(
                f"{part} {busy[part] * 1000 / requests:.2f}" for part in ("web", "worker", "postgres")
            )
            + f"  | {sum(busy[p] for p in ('web', 'worker', 'postgres')) / seconds:.2f} cores busy"
        )
    print(
        f"machine load average (1 min): {load_before:.2f} before, {load_after:.2f} after; {os.cpu_count()} cores"
    )
    return requests, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--users", type=int, default=40, help="simulated people at once")
    parser.add_argument("--spawn-rate", type=float, default=2, help="people started per second")
    parser.add_argument("--db", help="an existing database to run against (written to); default: a new one")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    # One account per simulated till and phone at most (their limits are per account): as many as people.
    parser.add_argument("--mia", type=int, help="MIA accounts made for the run (default: --users)")
    parser.add_argument("--tills", type=int, help="merchants' tills the run signs in as (default: --users)")
    parser.add_argument(
        "--var-dir",
        help="VIOLETA_VAR_DIR (its keys) for --db: the one the database was built with; default: the"
        " environment's, else the checkout's var/",
    )
    parser.add_argument("--out", help="where locust's CSVs go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the new database afterwards")
    args = parser.parse_args()
    args.db_given = bool(args.db)
    args.mia, args.tills = args.mia or args.users, args.tills or args.users
    args.db = args.db or "violeta_bench_load"

    fake_port = free_port()
    # The var folder holds the development keys (encryption, secret): an existing database needs the one it was
    # built with (its encrypted fields, its cards' tokens); a new one gets a folder of its own.
    if args.var_dir:
        var = Path(args.var_dir)
    elif args.db_given:
        var = Path(os.environ.get("VIOLETA_VAR_DIR") or ROOT / "var")
    else:
        var = Path(tempfile.mkdtemp(prefix="violeta-load-"))
    out = Path(args.out or tempfile.mkdtemp(prefix="violeta-loadtest-"))
    out.mkdir(parents=True, exist_ok=True)
    # gunicorn behind a reverse proxy on the same machine: each person's own address counts in the limits.
    env = {**twilio_env(args.db, var, fake_port), "CONN_MAX_AGE": "60", "TRUSTED_PROXIES": "127.0.0.1"}
    database(args, env)
    made = subprocess.run(
        [PY, "bench/loadtest/data.py", "--mia", str(args.mia),
         "--tills", str(args.tills)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    data_file = out / "loadtest-data.json"
    data_file.write_text(made)
    procs = []
    try:
        logs = (out / "servers.log").open("w")  # gunicorn's, the worker's, the sender's and the fake's output
        # People's connections stay open between their clicks, as they do to the reverse proxy in production
        # (nginx keeps them 75 s; it opens a new one to gunicorn per request). gunicorn's own 2 s would close
        # them under the client's feet: a request sent as it closes one is reset (seen in the first runs).
        web, base = gunicorn(env, args.web_workers, args.threads, keep_alive=75)
        procs.append(web)
        workers = [
            subprocess.Popen(
                [PY, "manage.py", "db_worker", "--interval", "0.2"],
                cwd=ROOT,
                env=env,
                stdout=logs,
                stderr=logs,
            ),
            subprocess.Popen(
                [PY, "manage.py", "messaging_sender"], cwd=ROOT, env=env, stdout=logs, stderr=logs
            ),
        ]
        procs += workers
        procs.append(
            subprocess.Popen(
                [PY, "-m", "violeta.testing.fake_twilio", "--port", str(fake_port), "--account-sid", "ACbench",
                 "--auth-token", "bench-token", "--seed", "1"],
                cwd=ROOT, env=env, stdout=logs, stderr=logs,
            )
        )  # fmt: skip
        time.sleep(3)  # the worker and the sender start (imports, first connection)
        meter = CpuMeter(args.db, web.pid, [w.pid for w in workers])
        before, load_before, started = meter.snapshot(), os.getloadavg()[0], time.monotonic()
        prefix = out / "loadtest"
        locust = subprocess.run(
            [str(Path(PY).parent / "locust"), "-f", str(ROOT / "bench" / "loadtest" / "locustfile.py"),
             "--headless", "--host", base, "-u", str(args.users), "-r", str(args.spawn_rate),
             "--run-time", f"{int(args.minutes * 60)}s", "--stop-timeout", "30", "--only-summary",
             "--csv", str(prefix), "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "LOADTEST_DATA": str(data_file), "LOADTEST_TWILIO": env["TWILIO_API_BASE"]},
            stdout=subprocess.DEVNULL, stderr=(out / "locust.log").open("w"), timeout=args.minutes * 60 + 120,
        )  # fmt: skip
        seconds = time.monotonic() - started
        busy = CpuMeter.delta(before, meter.snapshot())
        load_after = os.getloadavg()[0]
    finally:
        stop(procs)
        if not args.db_given and not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')

    print(
        f"\nLoad test: {args.users} people (started {args.spawn_rate:g}/s) for {args.minutes:g} min against"
        f" gunicorn {args.web_workers} × {args.threads} threads, database {args.db} (keys in {var});"
        f" locust's CSVs in {out}"
    )
    requests, failures = report(prefix, busy, seconds, load_before, load_after)
    if locust.returncode not in (0, 1):
        print(f"locust exited {locust.returncode}")
    sys.exit(1 if failures or not requests or locust.returncode not in (0, 1) else 0)


if __name__ == "__main__":
    main()
