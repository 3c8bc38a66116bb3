"""Benchmark: accepting MIA alerts, and the time from acceptance to the first SMS handed to the gateway.

What it measures (issue 3, "Performance"):
1. Accept: ``POST /api/v1/mia/alerts`` → alert committed with its recipients, outbox rows and tasks. Open loop
   at a fixed rate (default 100 alerts/s): each request is scheduled in advance and its latency counts from the
   scheduled instant, so a slow server cannot hide its queueing (no coordinated omission).
2. The same inserts as plain SQL (psycopg, one transaction per alert, same rate): the floor the ORM, the
   services, the HTTP stack and authentication add to; reported as a ratio.
3. First SMS: ``Message.sent_at - Alert.started_at`` for each alert's first message (recorded when the provider
   accepted it), with the real sender process(es) (``manage.py messaging_sender``) and the fake Twilio
   (violeta/testing/fake_twilio.py) as a process; ``--slow-fraction 0.05 --slow-seconds 11`` makes 5 % of its
   answers take 11 s (past the sender's 10-s timeout: those are recovered by asking the provider).
4. The first SMS's floor: for each alert, its contacts' messages POSTed straight to the same fake at the same
   rate (no database, no sender), the first answer counted from the scheduled instant.

5. With ``--whatsapp`` (issue 21): each account's contacts alternate WhatsApp and SMS (``--channels``); the fake
   WhatsApp Cloud API runs as a process beside the fake Twilio, both answering after ``--latency`` (150 ms), and
   sends signed status webhooks to the web; ``--silent-fraction`` of its messages are never reported delivered
   and ``--report-failed-fraction`` are reported failed, so their SMS fallback goes out (the deadline is
   ``--fallback-seconds``). Printed per channel: acceptance → first message handed to that provider, beside its
   floor (the same POSTs straight to that fake), and each fallback SMS's delay past its deadline.

PostgreSQL only (the production database). It creates and drops its own database. Run:

    .venv/bin/python bench/mia_alerts.py                  # defaults: 100/s for 20 s, 2 contacts, 1 sender
    .venv/bin/python bench/mia_alerts.py --slow-fraction 0.05 --slow-seconds 11
    .venv/bin/python bench/mia_alerts.py --whatsapp --latency 0.15 --silent-fraction 0.05
"""

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    PY,
    ROOT,
    data,
    free_port,
    gunicorn,
    open_loop,
    percentile,
    psql,
    script_output,
    stop,
    summary,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU of a live process (its own, not its children's), in seconds; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid):
    """The live child processes of ``pid`` (gunicorn's workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def postgres_backends(db):
    """The PostgreSQL server processes serving connections to the benchmark's database."""
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-Atc",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [int(line) for line in out.split()]


class CpuMeter:
    """CPU time per part (web, task workers, PostgreSQL backends, load generator) over a window.

    Robust to other load on the machine, unlike latency: it counts what each part spent, not what it waited.
    PostgreSQL backends are counted while alive at the end of the window (connections are kept, CONN_MAX_AGE);
    the server's shared background processes (WAL writer, checkpointer) are not counted.
    """

    def __init__(self, db, web_pid, worker_pids):
        self.db, self.web_pid, self.worker_pids = db, web_pid, worker_pids

    def snapshot(self):
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "web": {pid: cpu_seconds(pid) for pid in [self.web_pid, *children(self.web_pid)]},
            "worker": {pid: cpu_seconds(pid) for pid in self.worker_pids},
            "postgres": {pid: cpu_seconds(pid) for pid in postgres_backends(self.db)},
            "load": {0: usage.ru_utime + usage.ru_stime},
        }

    @staticmethod
    def delta(before, after):
        return {
            part: sum(value - before[part].get(pid, 0.0) for pid, value in after[part].items())
            for part in after
        }


def steal_ticks():
    """CPU time the hypervisor gave to other guests (all cores, clock ticks): /proc/stat's "steal"."""
    with open("/proc/stat") as fh:
        return int(fh.readline().split()[8])


class Heartbeat(threading.Thread):
    """Sleeps 5 ms at a time and keeps the longest oversleep: a pause of the whole machine (the hypervisor, a
    stalled disk) shows here as well as in the latencies, which then are not the application's."""

    def __init__(self):
        super().__init__(daemon=True)
        self.longest = 0.0
        self.running = True

    def run(self):
        while self.running:
            before = time.perf_counter()
            time.sleep(0.005)
            self.longest = max(self.longest, time.perf_counter() - before - 0.005)


def twilio_env(db, var, fake_port):
    """The environment of the benchmark's processes: its own database and var/, SMS to the fake Twilio."""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "VIOLETA_VAR_DIR": str(var),
        "SMS_BACKEND": "violeta.messaging.backends.twilio.TwilioBackend",
        "TWILIO_ACCOUNT_SID": "ACbench",
        "TWILIO_AUTH_TOKEN": "bench-token",
        "TWILIO_FROM": "+15005550006",
        "TWILIO_API_BASE": f"http://127.0.0.1:{fake_port}",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--contacts", type=int, default=2)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument(
        "--workers", type=int, default=1, help="sender processes (manage.py messaging_sender)"
    )
    parser.add_argument("--slow-fraction", type=float, default=0.0, help="provider answers that are slow")
    parser.add_argument("--slow-seconds", type=float, default=11.0)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=0,
        help="run the senders with this niceness (web first on one host)",
    )
    parser.add_argument(
        "--escalate-after",
        type=int,
        default=10,
        help="seconds before an unacknowledged alert is escalated (3 minutes in production): a figure shorter"
        " than the run puts the escalation checks inside it; nobody acknowledges, so every alert escalates",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--whatsapp", action="store_true", help="WhatsApp on, with its fake (issue 21)")
    parser.add_argument("--channels", default="whatsapp,sms", help="each contact's channel in turn")
    parser.add_argument("--latency", type=float, default=0.0, help="both fakes answer after this (s)")
    parser.add_argument("--silent-fraction", type=float, default=0.05, help="WhatsApp never reported")
    parser.add_argument("--report-failed-fraction", type=float, default=0.02, help="WhatsApp reported failed")
    parser.add_argument("--fallback-seconds", type=int, default=5, help="the SMS fallback's deadline")
    parser.add_argument(
        "--timeline", help="write each API request's scheduled second and latency to this file"
    )
    args = parser.parse_args()

    db = f"violeta_bench_{os.getpid()}"
    fake_port, whatsapp_port = free_port(), free_port()
    var = Path(tempfile.mkdtemp(prefix="violeta-bench-"))
    env = {
        **twilio_env(db, var, fake_port),
        "CONN_MAX_AGE": "60",
        "MIA_ESCALATE_AFTER_SECONDS": str(args.escalate_after),
    }
    if args.whatsapp:
        env.update(whatsapp_env(args, whatsapp_port))
    psql(f'CREATE DATABASE "{db}"')
    procs = []
    try:
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        channels = [args.channels] if args.whatsapp else []
        tokens = data("mia_data.py", args.accounts, args.contacts, *channels, env=env)
        web, base = gunicorn(env, args.web_workers)
        procs.append(web)
        for _ in range(args.workers):
            procs.append(
                subprocess.Popen(
                    ["nice", "-n", str(args.worker_nice), PY, "manage.py", "messaging_sender"],
                    cwd=ROOT,
                    env=env,
                )
            )
        fake = subprocess.Popen(
            [
                PY,
                "-m",
                "violeta.testing.fake_twilio",
                "--port",
                str(fake_port),
                "--account-sid",
                "ACbench",
                "--auth-token",
                "bench-token",
                "--slow-fraction",
                str(1.0 if args.latency else args.slow_fraction),  # every answer after --latency
                "--slow-seconds",
                str(args.latency or args.slow_seconds),
                "--seed",
                "1",
            ],
            cwd=ROOT,
            env=env,
        )
        procs.append(fake)
        if args.whatsapp:
            procs.append(whatsapp_fake(args, whatsapp_port, base, env))
        url = f"{base}/api/v1/mia/alerts"

        def fire(i):
            body = json.dumps({"client_id": uuid.uuid4().hex}).encode()
            request = urllib.request.Request(url, data=body, method="POST")
            request.add_header("Content-Type", "application/json")
            request.add_header("Authorization", f"Bearer {tokens[i % len(tokens)]}")
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status != 201:
                    raise RuntimeError(response.status)

        # Warm up every web thread (each opens its database connection on its first request), as a server that
        # has been up a while is; these alerts are not counted (the first-SMS figure counts from run_started).
        with ThreadPoolExecutor(max_workers=4 * args.web_workers * 8) as pool:
            list(pool.map(fire, range(4 * args.web_workers * 8)))
        meter = CpuMeter(db, procs[0].pid, [proc.pid for proc in procs[1 : 1 + args.workers]])
        time.sleep(4)  # the workers finish starting (imports, first connection)
        idle_before = meter.snapshot()
        time.sleep(3)  # the idle cost: workers polling an empty queue
        idle = CpuMeter.delta(idle_before, meter.snapshot())
        before = meter.snapshot()
        run_started = datetime.now(
            UTC
        ).isoformat()  # the warm-up alert, sent while the workers started, is not counted
        steal_before, heartbeat = steal_ticks(), Heartbeat()
        heartbeat.start()
        api_ms, api_errors = open_loop(args.rate, args.seconds, fire)
        heartbeat.running = False
        if args.timeline:
            Path(args.timeline).write_text(
                f"# run started {run_started}\n"
                + "".join(f"{at:.3f} {ms:.2f}\n" for at, ms in open_loop.timeline)
            )
        steal = (steal_ticks() - steal_before) / CLOCK_TICKS / (args.seconds * (os.cpu_count() or 1))
        # Let the senders drain (past the slow answers, the timeout and the sweep that recovers them).
        time.sleep(3 if not args.slow_fraction else args.slow_seconds + 6)
        if args.whatsapp:  # the last fallbacks' deadlines, and a sweep's second
            time.sleep(args.fallback_seconds + 2)
        busy = CpuMeter.delta(before, meter.snapshot())
        first_sms = script_output("mia_data.py", "first-sms", run_started, env=env)
        sql_ms = plain_sql(env["DATABASE_URL"], args.rate, args.seconds, args.contacts)
        floor_ms = provider_floor(env["TWILIO_API_BASE"], args.rate, args.seconds, args.contacts)
        if args.whatsapp:
            channel_lines = script_output(
                "mia_data.py", "by-channel", run_started, args.fallback_seconds, env=env
            )
            whatsapp_floor_ms = whatsapp_floor(env["WHATSAPP_API_BASE"], args.rate, args.seconds)
    finally:
        stop(procs)
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    print(
        f"\nMIA alert acceptance: {args.rate:g}/s open loop for {args.seconds:g} s, {args.contacts} contacts each,"
        f" {args.web_workers} gunicorn workers, {args.workers} senders (nice {args.worker_nice}),"
        f" provider answers slow ({args.slow_seconds:g} s): {args.slow_fraction * 100:g} %,"
        f" {os.cpu_count()} cores"
    )
    print(summary("API (HTTP → committed + outbox)", api_ms))
    print(summary("plain SQL (same inserts)", sql_ms))
    print(f"{'ratio p99 API / plain SQL':<34} {percentile(api_ms, 99) / percentile(sql_ms, 99):.1f}x")
    print(f"{'errors':<34} {len(api_errors)}" + (f" (first: {api_errors[0]})" if api_errors else ""))
    print(
        f"{'machine during the run':<34} steal {steal * 100:.1f}% of the cores;"
        f" longest pause of a 5-ms heartbeat {heartbeat.longest * 1000:.0f} ms"
    )
    print(first_sms.strip())
    print(summary("floor: first of the POSTs to the fake", floor_ms))
    if args.whatsapp:
        print(channel_lines.strip())
        print(summary("floor: POSTs to the fake WhatsApp", whatsapp_floor_ms))
    alerts = len(api_ms)
    window = args.seconds + (3 if not args.slow_fraction else args.slow_seconds + 6)
    sent = re.search(r"n=\s*(\d+)", first_sms)
    if args.workers and sent and int(sent.group(1)):
        print(
            f"sender CPU per alert whose SMS went out in the window: {busy['worker'] * 1000 / int(sent.group(1)):.2f} ms"
        )
    print(
        f"CPU per alert (ms, over the run and 3 s of drain; {alerts} alerts):  "
        + "  ".join(f"{part} {busy[part] * 1000 / alerts:.2f}" for part in busy)
        + f"  | total {sum(busy.values()) * 1000 / alerts:.2f} ms"
        + f" = {sum(busy.values()) / window:.2f} cores busy"
    )
    print(
        "idle CPU (cores, senders waiting on an empty outbox): "
        + "  ".join(f"{part} {idle[part] / 3:.3f}" for part in idle)
    )


def whatsapp_env(args, port):
    return {
        "MIA_WHATSAPP_ENABLED": "1",
        "MIA_WHATSAPP_FALLBACK_SECONDS": str(args.fallback_seconds),
        "WHATSAPP_BACKEND": "violeta.messaging.backends.whatsapp.WhatsAppBackend",
        "WHATSAPP_API_BASE": f"http://127.0.0.1:{port}",
        "WHATSAPP_TOKEN": "bench-whatsapp",
        "WHATSAPP_PHONE_NUMBER_ID": "1234",
        "WHATSAPP_APP_SECRET": "bench-secret",
    }


def whatsapp_fake(args, port, base, env):
    """The fake WhatsApp Cloud API as a process, reporting statuses to the web's signed webhook."""
    return subprocess.Popen(
        [
            PY,
            "-m",
            "violeta.testing.fake_whatsapp",
            "--port",
            str(port),
            "--token",
            "bench-whatsapp",
            "--app-secret",
            "bench-secret",
            "--latency",
            str(args.latency),
            "--silent-fraction",
            str(args.silent_fraction),
            "--report-failed-fraction",
            str(args.report_failed_fraction),
            "--callbacks",
            "--webhook-url",
            f"{base}/mia/whatsapp/estado/",
            "--seed",
            "1",
        ],
        cwd=ROOT,
        env=env,
    )


def whatsapp_floor(api_base, rate, seconds):
    """The first WhatsApp's floor: one template message per alert POSTed straight to the fake, at the same rate."""
    url = f"{api_base}/v21.0/1234/messages"

    def fire(i):
        body = {
            "messaging_product": "whatsapp",
            "to": f"52614{8000000 + i:07d}",
            "type": "template",
            "template": {"name": "floor", "components": [{"type": "body", "parameters": []}]},
        }
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
        request.add_header("Authorization", "Bearer bench-whatsapp")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    latencies, errors = open_loop(rate, seconds, fire, concurrency=64)
    if errors:
        print("whatsapp floor errors:", errors[:3])
    return latencies


def plain_sql(database_url, rate, seconds, contacts):
    """The inserts one accepted alert makes, as plain parameterised SQL: alert, recipients, outbox, links."""
    import psycopg

    local = threading.local()
    ciphertext = "v1:00000000:" + "A" * 160

    def conn():
        if not hasattr(local, "conn"):
            local.conn = psycopg.connect(
                database_url.replace("postgres://", "postgresql://"), autocommit=False
            )
            with local.conn.cursor() as cur:
                cur.execute("SELECT id FROM alerts_miaaccount ORDER BY id LIMIT 1")
                local.account = cur.fetchone()[0]
                cur.execute(
                    "SELECT id, phone FROM alerts_emergencycontact WHERE account_id = %s", [local.account]
                )
                local.contacts = cur.fetchall()[:contacts]
            local.conn.commit()
        return local.conn

    def fire(i):
        # As the service does: one INSERT each for the alert, its recipients, its messages and their links.
        c = conn()
        with c.cursor() as cur:
            cur.execute(
                "INSERT INTO alerts_alert (public_id, client_id, account_id, status, is_duress, started_at, "
                "escalation_reason, outcome, outcome_note, escalate_at) "
                "VALUES (%s, %s, %s, 'active', false, now(), '', '', '', now() + interval '1 hour') RETURNING id",
                [uuid.uuid4(), uuid.uuid4().hex, local.account],
            )
            alert_id = cur.fetchone()[0]
            rows = ", ".join(["(%s, %s, %s, '')"] * len(local.contacts))
            params = []
            for contact_id, _phone in local.contacts:
                params += [alert_id, contact_id, secrets.token_hex(32)]
            cur.execute(
                "INSERT INTO alerts_alertrecipient (alert_id, contact_id, token_hash, acknowledged_via) VALUES "
                + rows
                + " RETURNING id",
                params,
            )
            recipient_ids = [row[0] for row in cur.fetchall()]
            # Due in a day: the same rows and index entries, but the sender running alongside leaves them alone.
            rows = ", ".join(
                ["('alert', %s, %s, 'pending', 0, now() + interval '1 day', '', '', '', now())"]
                * len(recipient_ids)
            )
            params = []
            for _contact_id, phone in local.contacts:
                params += [phone, ciphertext]
            cur.execute(
                "INSERT INTO messaging_message (kind, to_phone, body, status, attempt, next_attempt_at, "
                "provider_message_id, provider_status, last_error, created_at) VALUES "
                + rows
                + " RETURNING id",
                params,
            )
            message_ids = [row[0] for row in cur.fetchall()]
            cur.execute(
                "INSERT INTO alerts_alertmessage (message_id, alert_id, recipient_id) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(message_ids)),
                [
                    value
                    for pair in zip(message_ids, recipient_ids, strict=True)
                    for value in (pair[0], alert_id, pair[1])
                ],
            )
        c.commit()

    latencies, errors = open_loop(rate, seconds, fire, concurrency=32)
    if errors:
        print("plain SQL errors:", errors[:3])
    return latencies


def provider_floor(api_base, rate, seconds, contacts):
    """The first SMS's floor: each alert's ``contacts`` messages POSTed straight to the fake provider at once, at
    the same rate; latency of the first answer from the scheduled instant (no database, no sender)."""
    import base64
    import urllib.parse

    url = f"{api_base}/2010-04-01/Accounts/ACbench/Messages.json"
    auth = "Basic " + base64.b64encode(b"ACbench:bench-token").decode()
    pool = ThreadPoolExecutor(max_workers=256)

    def post(to):
        body = urllib.parse.urlencode({"To": to, "Body": f"floor {uuid.uuid4().hex}", "From": "+1"}).encode()
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Authorization", auth)
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def fire(i):
        futures = [pool.submit(post, f"+52614{9000000 + i * 10 + n:07d}") for n in range(contacts)]
        done = threading.Event()
        for future in futures:
            future.add_done_callback(lambda _f: done.set())
        done.wait(60)

    latencies, errors = open_loop(rate, seconds, fire, concurrency=64)
    pool.shutdown(wait=False, cancel_futures=True)
    if errors:
        print("provider floor errors:", errors[:3])
    return latencies


if __name__ == "__main__":
    main()
