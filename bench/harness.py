"""What the benchmarks share: a database of their own, gunicorn, an open-loop load generator, percentiles."""

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def machine_speed(rounds: int = 5) -> str:
    """How fast this machine runs Python right now: a fixed loop (3,000,000 multiply-adds), the best and the
    worst of ``rounds``. The pages' figures are CPU-bound Python; printed before and after a run, this tells one
    machine (or one minute of a machine that drifts ±30 %) from another. On the machine of 2026-12-07: 154-316 ms.
    """
    times = []
    for _ in range(rounds):
        began, total = time.perf_counter(), 0
        for i in range(3_000_000):
            total += i * i
        times.append((time.perf_counter() - began) * 1000)
    return f"a fixed Python loop took {min(times):.0f}-{max(times):.0f} ms ({rounds} rounds)"


def summary(label, ms):
    return (
        f"{label:<34} n={len(ms):5d}  p50={percentile(ms, 50):7.2f} ms  p90={percentile(ms, 90):7.2f} ms  "
        f"p99={percentile(ms, 99):7.2f} ms  max={max(ms):7.2f} ms"
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql, db="postgres"):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-qc", sql], check=True)


def script_output(script, *args, env):
    """Run ``bench/<script>`` in the benchmark's environment and return what it prints."""
    return subprocess.run(
        [PY, str(ROOT / "bench" / script), *map(str, args)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def data(script, *args, env):
    """What ``bench/<script>`` prints, parsed as JSON (the accounts, cards and sessions it made)."""
    return json.loads(script_output(script, *args, env=env))


def gunicorn(env, web_workers, threads=8, keep_alive=None):
    """Start gunicorn (``web_workers`` processes × ``threads``) on a free port; return (process, base URL) once it
    answers its liveness probe (/healthz: the process, not the sender). ``keep_alive``: seconds an idle
    connection is kept (gunicorn's default, 2 s, when not given)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "violeta.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(web_workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            *(["--keep-alive", str(keep_alive)] if keep_alive else []),
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return proc, base


def stop(procs):
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def open_loop(rate, seconds, fire, concurrency=64):
    """Call ``fire()`` at ``rate`` per second for ``seconds``; latency from each call's scheduled instant."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    latencies, errors = [], []
    timeline = []  # (scheduled second of the run, latency ms), for --timeline
    lock = threading.Lock()

    def one(i):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            fire(i)
            elapsed = (time.perf_counter() - scheduled) * 1000
            with lock:
                latencies.append(elapsed)
                timeline.append((i / rate, elapsed))
        except Exception as exc:  # counted, not raised: the run goes on
            with lock:
                errors.append(repr(exc))

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(total)))
    open_loop.timeline = sorted(timeline)
    return latencies, errors
