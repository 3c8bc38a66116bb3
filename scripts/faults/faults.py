"""Fault scenarios against a running Violeta (issue 13): run by scripts/faults/run.sh, PostgreSQL only.

A real web server (gunicorn, receiving the provider's status callbacks), the real sender process
(``manage.py messaging_sender``) and the fake Twilio as a process (violeta/testing/fake_twilio.py), on a database
of their own (made and dropped by run.sh). This process raises alerts through ``alerts.services.alert_raise`` at
a steady rate, as the app would: an alert whose request failed (the database away) is retried with the same
``client_id`` until it is accepted. Scenarios:

a. the sender killed with SIGKILL at random points during the burst, and restarted each time;
b. the database refusing connections for a few seconds mid-burst (``ALLOW_CONNECTIONS false`` and every backend
   terminated; the shared server is never restarted); the sender is not restarted;
c. the provider answering slowly (some past the client's timeout), taking some requests in only after the client
   gave up on them (a lookup made at the timeout does not find them yet), with 500/503, and with the status
   callback before the answer to the send.

Each prints its counts and fails on any duplicate, loss, or alert left unescalated past its deadline: every
message of every accepted alert must reach the fake exactly once (the fake's log of accepted messages), be
"sent" or "delivered" in the database, and every active alert nobody acknowledged must be escalated once its
deadline (``MIA_ESCALATE_AFTER_SECONDS``) has passed.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PY = sys.executable

ESCALATE_AFTER = 5
TWILIO = {
    "TWILIO_ACCOUNT_SID": "ACfaults",
    "TWILIO_AUTH_TOKEN": "faults-token",
    "TWILIO_FROM": "+15005550006",
}


def log(message: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql: str, **variables: str) -> str:
    """Run SQL as the postgres superuser; ``variables`` are psql's (``:"name"`` quotes an identifier, ``:'name'``
    a literal), so no value is pasted into the statement."""
    settings = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-Atq"]
        + [arg for setting in settings for arg in ("-v", setting)],
        input=sql,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


class Processes:
    """Every process this script starts, stopped (TERM, then KILL) at the end whatever happens."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        proc.log_path = self.logs / f"{name}.log"
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, sig=signal.SIGTERM, wait: float = 15) -> None:
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(reversed(self.running)):
            self.stop(proc, wait=5)


def wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class Scenario:
    def __init__(self, name: str, procs: Processes, env: dict, logs: Path, fake_args: list[str]):
        self.name, self.procs, self.env, self.logs = name, procs, env, logs
        self.fake_log = logs / f"accepted-{name}.jsonl"
        port = free_port()
        self.fake = procs.start(
            f"fake-{name}",
            [
                PY,
                "-m",
                "violeta.testing.fake_twilio",
                "--port",
                str(port),
                "--log",
                str(self.fake_log),
                "--account-sid",
                TWILIO["TWILIO_ACCOUNT_SID"],
                "--auth-token",
                TWILIO["TWILIO_AUTH_TOKEN"],
                *fake_args,
            ],
            env,
        )
        self.env = {**env, "TWILIO_API_BASE": f"http://127.0.0.1:{port}"}
        wait_http(f"http://127.0.0.1:{port}/")
        self.sender = None
        self.senders_started = 0

    def start_sender(self) -> None:
        self.senders_started += 1
        self.sender = self.procs.start(f"sender-{self.name}", [PY, "manage.py", "messaging_sender"], self.env)

    def sender_at_work(self) -> bool:
        """Whether the current sender has written its heartbeat (named host:pid), i.e. has started its rounds."""
        from violeta.messaging.models import SenderHeartbeat

        return SenderHeartbeat.objects.filter(name__endswith=f":{self.sender.pid}").exists()

    def sender_logs(self) -> str:
        return (self.logs / f"sender-{self.name}.log").read_text(errors="replace")

    def finish(self) -> None:
        if self.sender is not None:
            self.procs.stop(self.sender)
        self.procs.stop(self.fake)


def burst(prefix: str, accounts: list, count: int, rate: float, during=None) -> list[int]:
    """Raise ``count`` alerts at ``rate`` per second (each retried with its client_id until accepted, as the app
    does); ``during(i)`` is called before the i-th. Returns the accepted alerts' ids."""
    from django.db import DatabaseError, close_old_connections, connection

    from violeta.alerts.services.alerts import alert_raise

    accepted: list[int] = []
    retries = 0
    start = time.monotonic()
    for number in range(count):
        if during:
            during(number)
        delay = start + number / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        client_id = f"{prefix}-{number:05d}"
        while True:
            try:
                alert, _created = alert_raise(account=accounts[number % len(accounts)], client_id=client_id)
                accepted.append(alert.pk)
                break
            except DatabaseError:
                retries += 1
                connection.close()
                time.sleep(0.2)
                close_old_connections()
    log(f"{prefix}: {len(accepted)} alerts accepted in {time.monotonic() - start:.1f} s ({retries} retries)")
    return accepted


def check(name: str, alert_ids: list[int], fake_log: Path, *, settle: float = 60) -> dict:
    """Wait until every message of the accepted alerts is sent (or ``settle`` s passed), then until the last
    deadline has passed, and count."""
    from django.db import DatabaseError, connection
    from django.utils import timezone

    from violeta.alerts.models import Alert
    from violeta.messaging.models import Message, MessageStatus

    done = (MessageStatus.SENT, MessageStatus.DELIVERED)
    deadline = time.monotonic() + settle
    while True:
        try:
            left = Message.objects.filter(alert_link__alert_id__in=alert_ids).exclude(status__in=done).count()
        except DatabaseError:
            connection.close()
            left = -1
        if left == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    last = (
        Alert.objects.filter(pk__in=alert_ids).order_by("-escalate_at").values_list("escalate_at", flat=True)
    )
    wait = (last.first() - timezone.now()).total_seconds() + 3 if last else 0
    if wait > 0:
        time.sleep(wait)
    time.sleep(1)  # the last callbacks

    messages = list(
        Message.objects.filter(alert_link__alert_id__in=alert_ids).values_list("to_phone", "body", "status")
    )
    accepted = Counter()
    behaviours = Counter()
    for line in fake_log.read_text().splitlines():
        record = json.loads(line)
        accepted[(record["to"], record["body"])] += 1
        behaviours[record["behaviour"]] += 1
    expected = Counter((to, body) for to, body, _status in messages)
    statuses = Counter(status for _to, _body, status in messages)
    now = timezone.now()
    past_deadline = Alert.objects.filter(
        pk__in=alert_ids, status="active", escalate_at__lte=now, escalated_at__isnull=True
    ).exclude(recipients__acknowledged_at__isnull=False)
    counts = {
        "alerts accepted": len(set(alert_ids)),
        "messages expected": len(messages),
        "sent exactly once": sum(1 for pair in expected if accepted[pair] == 1),
        "duplicates": sum(accepted[pair] - 1 for pair in expected if accepted[pair] > 1),
        "lost": sum(1 for pair in expected if accepted[pair] == 0),
        "not sent in the database": sum(n for status, n in statuses.items() if status not in done),
        "delivered in the database": statuses.get(MessageStatus.DELIVERED, 0),
        "alerts escalated": Alert.objects.filter(pk__in=alert_ids, escalated_at__isnull=False).count(),
        "alerts past deadline unescalated": past_deadline.distinct().count(),
        "provider answers": dict(behaviours),
    }
    log(f"scenario {name}: " + "; ".join(f"{key}: {value}" for key, value in counts.items()))
    return counts


def failed(counts: dict) -> list[str]:
    problems = []
    for key in ("duplicates", "lost", "not sent in the database", "alerts past deadline unescalated"):
        if counts[key]:
            problems.append(f"{key} = {counts[key]}")
    if counts["sent exactly once"] != counts["messages expected"] or not counts["messages expected"]:
        problems.append("not every expected message was sent exactly once")
    return problems


def scenario_kill(procs, env, logs, accounts, args) -> dict:
    """a. SIGKILL the sender at random points during the burst; restart it each time."""
    # A third of the answers take a second, so that most kills find messages in flight (claimed, maybe accepted).
    scenario = Scenario("kill", procs, env, logs, ["--slow-fraction", "0.3", "--slow-seconds", "1"])
    scenario.start_sender()
    rng = random.Random(args.seed)
    kills = []
    kill_at = [None]

    def maybe_kill(_number):
        # Only a sender at work is killed, at a random moment of its work: the kill is drawn when it is first seen
        # to have written its heartbeat (its first round; it claims right after). A sender killed while Django
        # starts has nothing in flight and tests nothing, and on a loaded machine start-up takes longer than the
        # time between kills: every kill would find one.
        if kill_at[0] is None:
            if scenario.sender_at_work():
                kill_at[0] = time.monotonic() + rng.uniform(0.05, 1.5)
        elif time.monotonic() >= kill_at[0]:
            scenario.sender.kill()  # SIGKILL
            scenario.sender.wait()
            kills.append(time.monotonic())
            kill_at[0] = None
            time.sleep(rng.uniform(0.0, 0.5))
            scenario.start_sender()

    ids = burst("kill", accounts, args.alerts, args.rate, during=maybe_kill)
    counts = check("a (sender SIGKILLed)", ids, scenario.fake_log)
    counts["sender kills"] = len(kills)
    recovered = re.findall(
        r"leases ran out: (\d+) found at the provider .*?, (\d+) not there", scenario.sender_logs()
    )
    log(
        f"scenario a: the sender was killed {len(kills)} times and restarted each time; messages left 'sending'"
        f" by a killed sender, the provider asked: {sum(int(found) for found, _resent in recovered)} found there,"
        f" {sum(int(resent) for _found, resent in recovered)} sent again"
    )
    scenario.finish()
    return counts


def scenario_database(procs, env, logs, accounts, args, db) -> dict:
    """b. The database refuses connections for a few seconds mid-burst; the sender carries on by itself."""
    scenario = Scenario("database", procs, env, logs, [])
    scenario.start_sender()
    outage = {"done": False}

    def outage_at(number):
        if number == args.alerts // 3 and not outage["done"]:
            outage["done"] = True

            def run():
                log(f"database {db}: refusing connections and terminating its backends for {args.outage} s")
                psql('ALTER DATABASE :"db" ALLOW_CONNECTIONS false', db=db)
                psql(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :'db'",
                    db=db,
                )
                time.sleep(args.outage)
                psql('ALTER DATABASE :"db" ALLOW_CONNECTIONS true', db=db)
                log(f"database {db}: accepting connections again")

            threading.Thread(target=run, daemon=True).start()

    ids = burst("database", accounts, args.alerts, args.rate, during=outage_at)
    counts = check("b (database unavailable)", ids, scenario.fake_log)
    alive = scenario.sender.poll() is None
    counts["sender still running, never restarted"] = alive and scenario.senders_started == 1
    log(f"scenario b: sender still running without a restart: {alive and scenario.senders_started == 1}")
    scenario.finish()
    return counts


def scenario_provider(procs, env, logs, accounts, args) -> dict:
    """c. Slow (some past the timeout), late-taken, failing and early-callback answers from the provider."""
    scenario = Scenario(
        "provider",
        procs,
        env,
        logs,
        [
            "--slow-fraction",
            "0.1",
            "--slow-seconds",
            "1.5",
            "--timeout-fraction",
            "0.05",
            "--timeout-seconds",
            str(float(env["MESSAGING_SEND_TIMEOUT_SECONDS"]) + 2),
            "--late-fraction",
            "0.05",
            "--late-seconds",
            str(float(env["MESSAGING_SEND_TIMEOUT_SECONDS"]) + 2),
            "--fail-fraction",
            "0.1",
            "--early-callback-fraction",
            "0.15",
            "--callbacks",
            "--seed",
            str(args.seed),
        ],
    )
    scenario.start_sender()
    ids = burst("provider", accounts, args.alerts, args.rate)
    counts = check("c (provider slow, failing, early callbacks)", ids, scenario.fake_log)
    scenario.finish()
    return counts


def make_accounts(count: int) -> list:
    """MIA accounts with two contacts each, their PIN hashed once (as bench/mia_data.py makes them)."""
    from django.contrib.auth.hashers import make_password

    from violeta.alerts.models import MiaAccount
    from violeta.alerts.tests.factories import emergency_contact

    pin = make_password("1234")
    accounts = []
    for number in range(count):
        account = MiaAccount.objects.create(
            phone=f"+52614{1000000 + number:07d}", display_name=f"Usuaria {number}", pin_hash=pin
        )
        for contact in range(2):
            emergency_contact(
                account, name=f"Contacto {contact}", phone=f"+52614{5000000 + number * 10 + contact:07d}"
            )
        accounts.append(account)
    return accounts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="the database run.sh made (dropped by run.sh)")
    parser.add_argument("--alerts", type=int, default=300)
    parser.add_argument("--rate", type=float, default=30, help="alerts per second")
    parser.add_argument("--outage", type=float, default=4, help="seconds the database refuses connections")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--only", default="abc", help="which scenarios (letters)")
    parser.add_argument("--logs", default="")
    args = parser.parse_args()

    logs = Path(args.logs or tempfile.mkdtemp(prefix="violeta-faults-"))
    logs.mkdir(parents=True, exist_ok=True)
    web_port = free_port()
    env = {
        **os.environ,
        **TWILIO,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
        "VIOLETA_VAR_DIR": str(logs / "var"),
        "SMS_BACKEND": "violeta.messaging.backends.twilio.TwilioBackend",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "MIA_ESCALATE_AFTER_SECONDS": str(ESCALATE_AFTER),
        "MESSAGING_LEASE_SECONDS": "5",
        "MESSAGING_SEND_TIMEOUT_SECONDS": "3",
        # A request the fake takes in late (scenario c) is there 5 s after it was sent; and on a loaded machine
        # the fake itself may take a killed sender's last requests in seconds late (scenario a), and any request
        # 7–13 s late in a burst (seen on a slow 2-core machine, and with two busy loops beside it).
        "MESSAGING_SETTLE_SECONDS": "20",
        "MESSAGING_BACKOFF_SECONDS": "1",
        "MESSAGING_SWEEP_SECONDS": "1",
        "MESSAGING_RECONNECT_MAX_SECONDS": "1",
    }
    os.environ.update(env)
    log(f"seed {args.seed}; logs in {logs}")
    procs = Processes(logs)

    def on_term(*_args):
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, on_term)
    results = {}
    try:
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "violeta.settings")
        django.setup()
        accounts = make_accounts(40)
        gunicorn = str(Path(PY).parent / "gunicorn")
        procs.start(
            "web",
            [gunicorn, "violeta.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", "2", "--threads", "4"],
            env,
        )
        wait_http(f"http://127.0.0.1:{web_port}/api/v1/health")
        scenarios = {
            "a": lambda: scenario_kill(procs, env, logs, accounts, args),
            "b": lambda: scenario_database(procs, env, logs, accounts, args, args.db),
            "c": lambda: scenario_provider(procs, env, logs, accounts, args),
        }
        for letter in args.only:
            started = time.monotonic()
            results[letter] = scenarios[letter]()
            log(f"scenario {letter} took {time.monotonic() - started:.0f} s")
    finally:
        procs.stop_all()

    problems = []
    for letter, counts in results.items():
        problems += [f"scenario {letter}: {problem}" for problem in failed(counts)]
        if counts.get("sender still running, never restarted") is False:
            problems.append(f"scenario {letter}: the sender did not survive the database outage")
    for problem in problems:
        log("FAILED " + problem)
    if problems:
        log(f"process logs in {logs}")
        return 1
    log(
        "every scenario: every accepted alert's messages sent exactly once, no alert unescalated past its deadline"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
