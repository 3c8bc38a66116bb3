"""Benchmark: several message senders on one database (issue 22, item 4). Exactly once, and the throughput a
second sender adds.

For 1 sender, then 2: that many ``manage.py messaging_sender`` processes start and, once each has beaten, are
paused (SIGSTOP) while a backlog of ``--alerts`` MIA alerts (``--contacts`` SMS each) is queued through the
service; then they go on together (SIGCONT) and drain it to the fake Twilio (violeta/testing/fake_twilio.py as a process, answering after ``--latency`` s as a real
gateway does). Printed per sender count: messages per second from the go until the last one was handed over
(``sent_at``), the senders' CPU per message over the drain (from /proc/<pid>/stat, robust to a loaded machine),
beside the floor: the same number of POSTs straight to the fake with the senders' total concurrency (no
database, no sender). Then the exactly-once check over both rounds, from the fake's log of accepted messages:
every message handed over once per (recipient, body) — each alert's body carries a token of its own — and once
per provider id, and the database's sent rows equal to the fake's accepted ones.

PostgreSQL only; it creates and drops its own database. Run (a couple of minutes):

    .venv/bin/python bench/senders.py                 # 400 alerts × 2 contacts, 0.15 s provider latency
    .venv/bin/python bench/senders.py --alerts 1000 --latency 0
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PY, ROOT, data, free_port, psql, script_output, stop
from bench.mia_alerts import cpu_seconds, twilio_env


def scalar(db, sql):
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql], check=True, capture_output=True
    )
    return out.stdout.decode().strip()


def drain(db, env, senders, alerts, timeout):
    """Start ``senders`` sender processes on an empty outbox and wait until each has beaten (started, connected);
    stop them (SIGSTOP), queue the backlog, let them go (SIGCONT) and wait until all is sent. Returns (messages,
    messages/s from the go to the last ``sent_at``, the senders' CPU s per message over the drain)."""
    procs = [
        subprocess.Popen([PY, "manage.py", "messaging_sender"], cwd=ROOT, env=env) for _ in range(senders)
    ]
    try:
        scalar(db, "DELETE FROM messaging_senderheartbeat")
        deadline = time.time() + timeout
        while int(scalar(db, "SELECT count(*) FROM messaging_senderheartbeat")) < senders:
            if time.time() > deadline:
                raise SystemExit("the senders did not start")
            time.sleep(0.2)
        for proc in procs:
            proc.send_signal(signal.SIGSTOP)
        queued = int(script_output("mia_data.py", "raise", alerts, env=env))
        cpu_before = sum(cpu_seconds(proc.pid) for proc in procs)
        go = time.time()
        for proc in procs:
            proc.send_signal(signal.SIGCONT)
        deadline = go + timeout
        while (left := int(scalar(db, "SELECT count(*) FROM messaging_message WHERE sent_at IS NULL"))) > 0:
            if time.time() > deadline:
                raise SystemExit(f"{left} messages still unsent after {timeout} s with {senders} senders")
            time.sleep(0.1)
        cpu = sum(cpu_seconds(proc.pid) for proc in procs) - cpu_before
        last = float(scalar(db, "SELECT extract(epoch FROM max(sent_at)) FROM messaging_message"))
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGCONT)
        stop(procs)
    return queued, queued / (last - go), cpu / queued


def provider_floor(api_base, messages, concurrency):
    """The same number of POSTs straight to the fake, ``concurrency`` at a time: messages per second."""
    url = f"{api_base}/2010-04-01/Accounts/ACbench/Messages.json"
    auth = "Basic " + __import__("base64").b64encode(b"ACbench:bench-token").decode()

    def post(i):
        body = urllib.parse.urlencode(
            {"To": f"+5261490{i:05d}", "From": "+15005550006", "Body": f"floor {i}"}
        )
        request = urllib.request.Request(url, data=body.encode(), method="POST")
        request.add_header("Authorization", auth)
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(post, range(messages)))
    return messages / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=400)
    parser.add_argument("--contacts", type=int, default=2)
    parser.add_argument("--latency", type=float, default=0.15, help="the fake gateway answers after this (s)")
    parser.add_argument("--concurrency", type=int, default=32, help="MESSAGING_CONCURRENCY of each sender")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    db = f"violeta_bench_senders_{os.getpid()}"
    fake_port = free_port()
    var = Path(tempfile.mkdtemp(prefix="violeta-bench-"))
    accepted_log = var / "accepted.jsonl"
    env = {
        **twilio_env(db, var, fake_port),
        "MESSAGING_CONCURRENCY": str(args.concurrency),
        "MIA_ESCALATE_AFTER_SECONDS": "36000",  # no escalation messages during the drain
    }
    psql(f'CREATE DATABASE "{db}"')
    fake = subprocess.Popen(
        [PY, "-m", "violeta.testing.fake_twilio", "--port", str(fake_port), "--account-sid", "ACbench"]
        + ["--auth-token", "bench-token", "--log", str(accepted_log)]
        + (["--slow-fraction", "1", "--slow-seconds", str(args.latency)] if args.latency else []),
        cwd=ROOT,
        env=env,
    )
    rounds = {}
    try:
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        data("mia_data.py", args.alerts, args.contacts, env=env)
        for senders in (1, 2):
            queued, rate, cpu = drain(db, env, senders, args.alerts, args.timeout)
            floor = provider_floor(env["TWILIO_API_BASE"], queued, senders * args.concurrency)
            rounds[senders] = (queued, rate, cpu, floor)
        sent_rows = int(scalar(db, "SELECT count(*) FROM messaging_message WHERE sent_at IS NOT NULL"))
        loadavg = os.getloadavg()
    finally:
        stop([fake])
        psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    records = [json.loads(line) for line in accepted_log.read_text().splitlines()]
    records = [r for r in records if not r["body"].startswith("floor ")]
    per_message = Counter((r["to"], r["body"]) for r in records)
    per_sid = Counter(r["sid"] for r in records)
    print(
        f"\nSenders on one database: {args.alerts} alerts × {args.contacts} SMS per round, gateway latency"
        f" {args.latency:g} s, concurrency {args.concurrency} per sender, {os.cpu_count()} cores,"
        f" load {loadavg[0]:.1f}"
    )
    for senders, (queued, rate, cpu, floor) in rounds.items():
        print(
            f"{senders} sender{'s' if senders > 1 else ' '}: {queued:5d} messages  {rate:7.1f} msg/s"
            f"  (floor, POSTs straight to the fake at concurrency {senders * args.concurrency}: {floor:7.1f} msg/s)"
            f"  sender CPU {cpu * 1000:.2f} ms/message"
        )
    print(f"{'2 senders / 1 sender':<34} {rounds[2][1] / rounds[1][1]:.2f}x the throughput")
    doubles = sum(count - 1 for count in per_message.values() if count > 1)
    print(
        f"{'exactly once':<34} {len(records)} accepted by the fake, {sent_rows} sent in the database;"
        f" handed over twice: {doubles} per (recipient, body), "
        f"{sum(count - 1 for count in per_sid.values() if count > 1)} per provider id"
    )
    if doubles or len(records) != sent_rows:
        raise SystemExit("FAILED: a message was handed over twice, or the database and the fake disagree")


if __name__ == "__main__":
    main()
