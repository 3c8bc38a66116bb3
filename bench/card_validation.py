"""Benchmark: card validations at the till, ``POST /api/v1/card/validate`` (issues 7 and 22).

Each validation authenticates the till's session, counts the attempt in the rate-limit counters, looks the card
up, records the use and its audit event. The limits are raised for the run (CARD_RATE_PER_MINUTE_*), so every
request does the full work instead of a refusal.

Run twice on one data set: without Redis (sessions and counters in PostgreSQL), then with ``REDIS_URL`` (both
in Redis, database ``--redis-url``, flushed before and after: give it one nobody else uses). Each run, on its own
gunicorn, measures closed loop (``--concurrency`` clients back to back for ``--seconds``, each on one HTTP
connection kept open, as a till's software keeps its own):
1. the bound: ``POST /bench/noop`` (bench/card_urls.py), a signed-in POST with the same session, CSRF check and
   middleware that does nothing, on the same server;
2. the validations;
and prints each throughput with the **CPU time per request** of gunicorn and of the PostgreSQL backends serving
the benchmark's database (from /proc/<pid>/stat, robust to other load on the machine, unlike throughput), and of
the Redis server (shared: other clients' work counts too). ``--rate`` adds an open-loop latency run.

PostgreSQL only (the production database); it creates and drops its own database. Two minutes at most:

    .venv/bin/python bench/card_validation.py
    .venv/bin/python bench/card_validation.py --no-redis --rate 100
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PY, ROOT, data, gunicorn, open_loop, percentile, psql, stop, summary
from bench.mia_alerts import CpuMeter

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


def redis_pids():
    """The Redis server's processes (shared with whatever else uses it)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as fh:
                    if fh.read().strip() == "redis-server":
                        found.append(int(entry))
            except OSError:
                continue
    return found


def measure(env, db, args, numbers, sessions):
    """One gunicorn with ``env``: the bound, then the validations; returns the printed lines' figures."""
    rng = random.Random(7)
    unknown = ["4539578763621486", "4111111111111111", "5555555555554444"]
    proc, base = gunicorn(env, args.web_workers, threads=args.threads, keep_alive=30)

    local = threading.local()  # each client thread keeps its connection open, as a till's software does
    host, port = base.removeprefix("http://").split(":")

    def post(path, body, i):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(host, int(port), timeout=10)
        headers = {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={sessions[i % len(sessions)]}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        }
        try:
            conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            local.conn = None  # the server closed it: the next request opens another
            conn.close()
            raise
        result = json.loads(payload).get("result") if response.status == 200 else None
        if result not in ("valid", "not_valid"):
            raise RuntimeError(f"{response.status} {result}")

    def noop(i):
        post("/bench/noop", {"number": numbers[i % len(numbers)]}, i)

    def validate(i):
        number = rng.choice(unknown) if rng.random() < args.invalid else rng.choice(numbers)
        post("/api/v1/card/validate", {"number": number}, i)

    results = {}
    try:
        for fire in (noop, validate):  # every thread opens its database connection before the measurement
            closed_loop(args.concurrency, 2, fire)
        meter = CpuMeter(db, proc.pid, redis_pids())
        for name, fire in (("bound", noop), ("validation", validate)):
            before = meter.snapshot()
            latencies, errors, elapsed = closed_loop(args.concurrency, args.seconds, fire)
            cpu = CpuMeter.delta(before, meter.snapshot())
            results[name] = (latencies, errors, elapsed, cpu)
        if args.rate:
            results["open"] = open_loop(args.rate, args.seconds, validate)
    finally:
        stop([proc])
    return results


def report(label, results, args):
    print(f"\n{label}")
    for name in ("bound", "validation"):
        latencies, errors, elapsed, cpu = results[name]
        n = max(len(latencies), 1)
        what = "bound: signed-in POST doing nothing" if name == "bound" else "card validations"
        print(
            f"  {what:<38} {len(latencies) / elapsed:7.1f}/s  p50 {percentile(latencies, 50):6.1f} ms"
            f"  CPU per request: web {cpu['web'] * 1000 / n:5.2f} ms, PostgreSQL {cpu['postgres'] * 1000 / n:5.2f}"
            f" ms, Redis {cpu['worker'] * 1000 / n:5.2f} ms (shared), load generator {cpu['load'] * 1000 / n:5.2f} ms"
            f"  errors {len(errors)}" + (f" (first: {errors[0]})" if errors else "")
        )
    if "open" in results:
        open_ms, open_errors = results["open"]
        print(summary(f"  open loop at {args.rate:g}/s", open_ms) + f"  errors {len(open_errors)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--tills", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=12, help="each closed-loop measurement")
    parser.add_argument("--rate", type=float, default=0, help="also an open-loop run at this rate per second")
    parser.add_argument("--invalid", type=float, default=0.1, help="share of unknown numbers")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/12", help="a Redis database of its own"
    )
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--no-redis", action="store_true", help="only the run without Redis")
    parser.add_argument("--redis-only", action="store_true", help="only the run with Redis")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    db = f"violeta_bench_card_{os.getpid()}"
    var = Path(tempfile.mkdtemp(prefix="violeta-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL")},
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "VIOLETA_VAR_DIR": str(var),
        "DEBUG": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "CARD_RATE_PER_MINUTE_ACCOUNT": "100000000",
        "CARD_RATE_PER_MINUTE_IP": "100000000",
        "CARD_FAILURES_PER_15_MINUTES": "100000000",
    }
    web_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.card_settings"}
    redis_env = {**web_env, "REDIS_URL": args.redis_url}
    runs = []
    psql(f'CREATE DATABASE "{db}"')
    redis = None
    try:
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        made = data("card_data.py", args.cards, args.tills, env=env)
        numbers = made["numbers"]
        if not args.redis_only:
            runs.append(
                (
                    "database: sessions and counters in PostgreSQL",
                    measure(web_env, db, args, numbers, made["sessions"]),
                )
            )
        if not args.no_redis:
            import redis as redis_client

            redis = redis_client.Redis.from_url(args.redis_url)
            redis.flushdb()
            sessions = data("card_data.py", "sessions", env={**env, "REDIS_URL": args.redis_url})["sessions"]
            runs.append(
                (
                    "Redis: sessions and counters in Redis",
                    measure(redis_env, db, args, numbers, sessions),
                )
            )
    finally:
        if redis is not None:
            redis.flushdb()
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nCard validation: {args.cards} cards, {args.tills} tills, {args.invalid:.0%} unknown numbers,"
        f" {args.concurrency} clients closed loop for {args.seconds:g} s each, {args.web_workers} gunicorn"
        f" workers × {args.threads} threads, {os.cpu_count()} cores, load average {load} at the end"
    )
    for label, results in runs:
        report(label, results, args)


if __name__ == "__main__":
    main()
