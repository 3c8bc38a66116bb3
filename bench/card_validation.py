"""Benchmark: card validations at the till, ``POST /api/v1/card/validate`` (issue 7).

Each validation authenticates the till's session, reads and bumps the rate-limit counters in the shared cache
(the database cache table here: no Redis), looks the card up, records the use and its audit event. The limits
are raised for the run (CARD_RATE_PER_MINUTE_*), so every request does the full work instead of a refusal.

Two measurements in one run:
1. Throughput, closed loop: ``--concurrency`` clients send requests back to back for ``--seconds``;
   validations per second and their latency.
2. Latency at a fixed rate, open loop (``--rate``/s, scheduled in advance, latency from the scheduled instant).

PostgreSQL only (the production database); it creates and drops its own database. Run:

    .venv/bin/python bench/card_validation.py                 # defaults: 16 clients 20 s, then 50/s for 20 s
    .venv/bin/python bench/card_validation.py --rate 100 --concurrency 8 --web-workers 2
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PY, ROOT, data, gunicorn, open_loop, percentile, psql, stop, summary

CSRF = "benchcsrftokenbenchcsrftoken0123"  # 32 characters: Django accepts an unmasked secret


def closed_loop(concurrency, seconds, fire):
    """``concurrency`` threads calling ``fire()`` back to back; returns (latencies in ms, errors, elapsed s)."""
    stop = time.perf_counter() + seconds
    latencies, errors = [], []
    lock = threading.Lock()

    def worker(n):
        i = n
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                fire(i)
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
            except Exception as exc:
                with lock:
                    errors.append(repr(exc))
            i += concurrency

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--tills", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--invalid", type=float, default=0.1, help="share of unknown numbers")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    db = f"violeta_bench_card_{os.getpid()}"
    var = Path(tempfile.mkdtemp(prefix="violeta-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "VIOLETA_VAR_DIR": str(var),
        "DEBUG": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "CARD_RATE_PER_MINUTE_ACCOUNT": "100000000",
        "CARD_RATE_PER_MINUTE_IP": "100000000",
        "CARD_FAILURES_PER_15_MINUTES": "100000000",
    }
    psql(f'CREATE DATABASE "{db}"')
    proc = None
    try:
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        made = data("card_data.py", args.cards, args.tills, env=env)
        proc, base = gunicorn(env, args.web_workers)
        url = f"{base}/api/v1/card/validate"
        rng = random.Random(7)
        numbers, sessions = made["numbers"], made["sessions"]
        unknown = ["4539578763621486", "4111111111111111", "5555555555554444"]

        def fire(i):
            number = rng.choice(unknown) if rng.random() < args.invalid else rng.choice(numbers)
            body = json.dumps({"number": number}).encode()
            request = urllib.request.Request(url, data=body, method="POST")
            request.add_header("Content-Type", "application/json")
            request.add_header("Cookie", f"sessionid={sessions[i % len(sessions)]}; csrftoken={CSRF}")
            request.add_header("X-CSRFToken", CSRF)
            with urllib.request.urlopen(request, timeout=10) as response:
                result = json.loads(response.read())["result"]
                if response.status != 200 or result not in ("valid", "not_valid"):
                    raise RuntimeError(f"{response.status} {result}")

        fire(0)  # warm up
        closed_ms, closed_errors, elapsed = closed_loop(args.concurrency, args.seconds, fire)
        open_ms, open_errors = open_loop(args.rate, args.seconds, fire)
    finally:
        if proc is not None:
            stop([proc])
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    print(
        f"\nCard validation: {args.cards} cards, {args.tills} tills, {args.invalid:.0%} unknown numbers,"
        f" {args.web_workers} gunicorn workers × 8 threads, database cache, {os.cpu_count()} cores"
    )
    print(
        f"{'throughput (closed loop)':<34} {len(closed_ms) / elapsed:7.1f} validations/s"
        f" with {args.concurrency} clients over {elapsed:.1f} s"
    )
    print(summary("  latency at that load", closed_ms))
    print(summary(f"open loop at {args.rate:g}/s", open_ms))
    errors = closed_errors + open_errors
    print(f"{'errors':<34} {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"{'p99 at the fixed rate':<34} {percentile(open_ms, 99):.1f} ms")


if __name__ == "__main__":
    main()
