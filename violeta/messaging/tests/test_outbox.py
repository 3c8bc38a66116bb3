"""The outbox and its sender: each message handed to the provider once, retried with backoff, recovered after a
crash or a silent provider by asking the provider first, never sent twice for one attempt.

The test gateways below are chosen through ``settings.SMS_BACKEND`` like any other backend. Findings of issue 13
each have a test here (named in its docstring); the real-process ones (SIGKILL, database outage) need a database
another process can share, so they run on PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from violeta.messaging import services
from violeta.messaging.backends import SendResult, SmsError, SmsUnknown, locmem
from violeta.messaging.backends.file import read_all
from violeta.messaging.backends.locmem import LocmemBackend
from violeta.messaging.models import Message, MessageKind, MessageStatus, ProviderReport, SenderHeartbeat
from violeta.messaging.sender import Sender, deliver_due

pytestmark = pytest.mark.django_db

HERE = "violeta.messaging.tests.test_outbox."
TO = "+526144900789"


class Gateway:
    """What the test gateways were asked to do in this test."""

    calls = 0
    failures = 0
    lookups = 0
    status = "sent"


class FlakyBackend(LocmemBackend):
    """Refuses the first ``Gateway.failures`` submissions (provider down), then delivers to locmem."""

    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        if Gateway.calls <= Gateway.failures:
            raise SmsError("gateway timeout")
        return super().send(to, body, idempotency_key)


class AcceptedButSilentBackend(LocmemBackend):
    """The provider takes the message but its answer never comes in time (finding 3: this was a failure, and
    the message was sent again although the provider had accepted it)."""

    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        super().send(to, body, idempotency_key)
        raise SmsUnknown("no answer in time")

    def lookup(self, idempotency_key, *, to="", body=""):
        Gateway.lookups += 1
        return super().lookup(idempotency_key, to=to, body=body)


class LostBeforeArrivalBackend(AcceptedButSilentBackend):
    """No answer in time, and the provider never got it either."""

    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        raise SmsUnknown("no answer in time")


class ReportingBackend(LocmemBackend):
    """A provider that sends delivery reports (as Twilio does) and can be asked for a message's status."""

    reports_delivery = True

    def status(self, provider_message_id):
        Gateway.lookups += 1
        return Gateway.status


class WorkerKilled(BaseException):
    """The process dies: not an Exception, so no ``except Exception`` in the code under test catches it."""


@pytest.fixture(autouse=True)
def _gateway(settings):
    Gateway.calls = Gateway.failures = Gateway.lookups = 0
    Gateway.status = "sent"
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


def use(settings, backend: str) -> None:
    settings.SMS_BACKEND = backend if "." in backend else HERE + backend


def queue(body: str = "Prueba de envio") -> Message:
    return services.message_queue(kind=MessageKind.REMINDER, to=TO, body=body)


def copies(message: Message) -> list[dict]:
    return [sent for sent in locmem.outbox if sent["body"] == message.body and sent["to"] == message.to_phone]


def stored(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


def later(**fields) -> None:
    """Time passes: retries and leases come due."""
    now = timezone.now() - timedelta(seconds=1)
    Message.objects.filter(status=MessageStatus.FAILED).update(next_attempt_at=now)
    Message.objects.filter(status=MessageStatus.SENDING).update(lease_until=now)
    if fields:
        Message.objects.update(**fields)


# --- Sending ---------------------------------------------------------------------------------------------------


def test_the_sender_sends_a_message_once_and_records_the_provider_id():
    message = queue()

    assert deliver_due() == 1
    assert deliver_due() == 0
    later()
    assert deliver_due() == 0

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempt == 1
    assert message.sent_at is not None and message.lease_until is None
    assert copies(message) == [
        {"to": TO, "body": "Prueba de envio", "key": f"{message.pk}:1", "id": message.provider_message_id}
    ]


def test_a_queued_message_needs_no_task_and_is_claimed_with_a_lease(settings):
    """Finding 2: a task row per message could be stranded RUNNING by a killed worker; the outbox is the queue."""
    from django_tasks_db.models import DBTaskResult

    settings.MESSAGING = {**settings.MESSAGING, "LEASE_SECONDS": 15}
    message = queue()
    assert not DBTaskResult.objects.exists()

    before = timezone.now()
    [claimed] = services.claim(limit=10)

    assert claimed.pk == message.pk
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING and message.attempt == 1
    assert before + timedelta(seconds=15) <= message.lease_until <= timezone.now() + timedelta(seconds=15)
    assert services.claim(limit=10) == []  # held: nobody else takes it


def test_a_refused_sms_is_retried_with_the_configured_backoff_then_sent(settings):
    settings.MESSAGING = {**settings.MESSAGING, "BACKOFF_SECONDS": 7}
    use(settings, "FlakyBackend")
    Gateway.failures = 2
    message = queue()

    deliver_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error == "gateway timeout"
    assert timedelta(seconds=6) < message.next_attempt_at - timezone.now() <= timedelta(seconds=7)
    assert deliver_due() == 0  # not due yet

    later()
    deliver_due()
    message.refresh_from_db()
    assert message.attempt == 2
    assert (
        timedelta(seconds=13) < message.next_attempt_at - timezone.now() <= timedelta(seconds=14)
    )  # doubled

    later()
    deliver_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempt == 3
    assert [sent["key"] for sent in copies(message)] == [f"{message.pk}:3"]


def test_the_outbox_gives_up_after_the_configured_attempts(settings):
    settings.MESSAGING = {**settings.MESSAGING, "MAX_ATTEMPTS": 3}
    use(settings, "FlakyBackend")
    Gateway.failures = 99
    message = queue()

    for _round in range(5):
        deliver_due()
        later()

    message.refresh_from_db()
    assert message.status == MessageStatus.GAVE_UP
    assert message.attempt == 3
    assert Gateway.calls == 3


# --- No answer in time: unknown, asked before any resend (finding 3) -----------------------------------------


def test_an_accepted_message_whose_answer_came_too_late_is_recorded_not_sent_again(settings):
    """Finding 3: a response slower than the timeout was a failure, and the message went out again."""
    use(settings, "AcceptedButSilentBackend")
    message = queue()

    Sender().run_once()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING  # unknown, not failed
    assert message.lease_until <= timezone.now()  # its lease is over: the next sweep asks
    assert Gateway.lookups == 0

    for _round in range(3):
        deliver_due()
        later()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempt == 1
    assert len(copies(message)) == 1
    assert message.provider_message_id == copies(message)[0]["id"]
    assert Gateway.calls == 1 and Gateway.lookups == 1


def test_an_unanswered_message_the_provider_never_got_is_sent_again_after_the_backoff(settings):
    settings.MESSAGING = {**settings.MESSAGING, "BACKOFF_SECONDS": 30}
    use(settings, "LostBeforeArrivalBackend")
    message = queue()
    deliver_due()  # no answer; then asked: not there, so a new attempt after the backoff (not a tight loop)

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert Gateway.calls == 1 and Gateway.lookups == 1

    use(settings, "violeta.messaging.backends.locmem.LocmemBackend")
    later()
    deliver_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempt == 2
    assert [sent["key"] for sent in copies(message)] == [f"{message.pk}:2"]


def test_a_provider_that_cannot_be_asked_leaves_the_message_unknown_not_resent(settings):
    class Unreachable(LocmemBackend):
        def lookup(self, idempotency_key, *, to="", body=""):
            raise SmsError("provider unreachable")

    message = queue()
    [_claimed] = services.claim(limit=1)
    later()

    assert services.leases_sweep(Unreachable()) == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert message.lease_until > timezone.now()  # asked again later
    assert locmem.outbox == []


# --- Delivery reports (finding 3) ------------------------------------------------------------------------------


def test_a_report_that_arrives_before_the_send_is_recorded_is_kept_and_applied():
    """Finding 3: the callback for an id not recorded yet was dropped, the message stayed "sent" and was sent
    again ten minutes later for "no delivery report"."""
    message = queue()
    [claimed] = services.claim(limit=1)

    assert services.status_update(provider_message_id="SMfast", provider_status="delivered") is None
    assert ProviderReport.objects.filter(provider_message_id="SMfast").exists()
    services.status_update(
        provider_message_id="SMfast", provider_status="sent"
    )  # out of order: not a downgrade

    assert services.record_sent(claimed.pk, claimed.attempt, SendResult("SMfast", "queued"))

    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None
    assert not ProviderReport.objects.exists()


def _waiting_on_a_lock(thread: threading.Thread) -> bool:
    """Whether ``thread`` ended, or another backend of this database waits on a lock (where the report's
    transaction must wait for the sender's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND wait_event_type = 'Lock'"
        )
        return not thread.is_alive() or cursor.fetchone()[0] > 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's IMMEDIATE transactions serialise writers"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("record", ["record_sent", "record_sent_many"])
def test_a_report_that_arrives_while_the_send_is_being_recorded_is_applied_not_stranded(record):
    """Journey finding (CI, 2026-12-05): the provider's report came back while the sender's transaction
    recording the id was still open. The report found no message with that id (not committed yet) and was kept
    for later; the sender's statement had already looked for early reports and seen none. The message stayed
    "sent" with its "delivered" report stranded, until the delivery check asked the provider minutes later (and
    WhatsApp cannot be asked)."""
    message = queue()
    [claimed] = services.claim(limit=1)
    done = threading.Event()

    def report():
        try:
            services.status_update(provider_message_id="SMrace", provider_status="delivered")
        finally:
            connection.close()
            done.set()

    reporter = threading.Thread(target=report)
    with transaction.atomic():  # the sender's transaction, held open after its write
        if record == "record_sent":
            assert services.record_sent(claimed.pk, claimed.attempt, SendResult("SMrace", "queued"))
        else:
            assert (
                services.record_sent_many([(claimed.pk, claimed.attempt, SendResult("SMrace", "queued"))])
                == 1
            )
        reporter.start()
        deadline = time.monotonic() + 10
        while not _waiting_on_a_lock(reporter) and time.monotonic() < deadline:
            time.sleep(0.01)
    assert done.wait(10)
    reporter.join()

    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None
    assert not ProviderReport.objects.exists()


def test_no_report_in_time_asks_the_provider_and_does_not_resend_what_it_holds(settings):
    use(settings, "ReportingBackend")
    message = queue()
    deliver_due()

    later(sent_at=timezone.now() - timedelta(seconds=settings.MESSAGING["DELIVERY_TIMEOUT_SECONDS"] + 1))
    Gateway.status = "sent"  # still on its way
    deliver_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.checked_at is not None
    assert len(copies(message)) == 1 and Gateway.lookups == 1

    deliver_due()
    assert Gateway.lookups == 1  # asked once


def test_no_report_in_time_and_the_provider_says_undelivered_sends_again(settings):
    use(settings, "ReportingBackend")
    message = queue()
    deliver_due()
    later(sent_at=timezone.now() - timedelta(seconds=settings.MESSAGING["DELIVERY_TIMEOUT_SECONDS"] + 1))
    Gateway.status = "undelivered"

    deliver_due()
    later()
    deliver_due()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempt == 2
    assert [sent["key"] for sent in copies(message)] == [f"{message.pk}:1", f"{message.pk}:2"]


@pytest.mark.parametrize(("report", "status"), [("delivered", "delivered"), ("failed", "failed")])
def test_reports_after_the_send_apply(report, status):
    message = queue()
    deliver_due()
    message.refresh_from_db()

    services.status_update(provider_message_id=message.provider_message_id, provider_status=report)

    assert stored(message).status == status
    if report == "failed":
        assert stored(message).next_attempt_at > timezone.now()


def test_an_unknown_provider_status_changes_nothing():
    message = queue()
    deliver_due()
    message.refresh_from_db()

    assert (
        services.status_update(provider_message_id=message.provider_message_id, provider_status="x") is None
    )
    assert services.status_update(provider_message_id="", provider_status="delivered") is None
    assert stored(message).status == MessageStatus.SENT
    assert not ProviderReport.objects.exists()


# --- Each answer recorded as soon as it comes (findings 3 and 4) ---------------------------------------------


class HeldBackend(LocmemBackend):
    """The provider answers the message whose body is "slow" only when the test releases it."""

    release = threading.Event()

    def send(self, to, body, idempotency_key):
        if body == "slow":
            assert self.release.wait(10)
        return super().send(to, body, idempotency_key)


def test_each_answer_is_recorded_as_it_comes_while_a_slow_one_waits():
    """Findings 3 and 4: provider ids were recorded only when the whole batch returned, and one slow answer held
    every other message back."""
    slow, fast = queue("slow"), queue("fast")
    HeldBackend.release.clear()
    sender = Sender(backend=HeldBackend(), concurrency=4)
    sender.pool = ThreadPoolExecutor(max_workers=4)
    try:
        for message in sender.claim():
            sender._submit(message)
        assert sender.wake.wait(10)  # an answer came: the fast one
        sender.record()

        assert stored(fast).status == MessageStatus.SENT
        assert stored(slow).status == MessageStatus.SENDING
        assert sender.in_flight == 1

        queue("after")  # a new message is claimed and sent while the slow one still waits
        for message in sender.claim():
            sender._submit(message)
        deadline = time.monotonic() + 10
        while Message.objects.filter(status=MessageStatus.SENT).count() < 2 and time.monotonic() < deadline:
            sender.wake.wait(0.1)
            sender.wake.clear()
            sender.record()
        assert set(Message.objects.filter(status=MessageStatus.SENT).values_list("body", flat=True)) == {
            "fast",
            "after",
        }
    finally:
        HeldBackend.release.set()
        sender.pool.shutdown(wait=True)
    sender.record()
    assert stored(slow).status == MessageStatus.SENT
    assert sorted(sent["body"] for sent in locmem.outbox) == ["after", "fast", "slow"]


# --- A sender that dies mid-send (finding 2) -------------------------------------------------------------------


class DiesAfterHandoverBackend(LocmemBackend):
    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        super().send(to, body, idempotency_key)  # the provider has it…
        raise WorkerKilled  # …but the sender dies before recording it


class DiesBeforeHandoverBackend(LocmemBackend):
    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        raise WorkerKilled


@pytest.mark.parametrize(
    ("backend", "attempts"), [("DiesBeforeHandoverBackend", 2), ("DiesAfterHandoverBackend", 1)]
)
def test_a_sender_killed_mid_send_is_recovered_when_the_lease_runs_out_exactly_once(
    settings, backend, attempts
):
    """Finding 2: a worker killed after picking up a dispatch task stranded the alert's messages."""
    use(settings, backend)
    message = queue()
    with pytest.raises(WorkerKilled):
        deliver_due()
    assert stored(message).status == MessageStatus.SENDING

    use(settings, "violeta.messaging.backends.locmem.LocmemBackend")  # the restarted sender
    deliver_due()
    assert stored(message).status == MessageStatus.SENDING  # its lease still holds it

    later()
    deliver_due()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempt == attempts
    assert len(copies(message)) == 1
    assert message.provider_message_id == copies(message)[0]["id"]


def test_an_old_attempt_recorded_late_changes_nothing():
    message = queue()
    [claimed] = services.claim(limit=1)
    later()
    deliver_due()  # recovered: not at the provider, sent again as attempt 2

    assert not services.record_sent(claimed.pk, 1, SendResult("SMlate"))
    assert not services.record_refused(claimed.pk, 1, "late")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempt == 2
    assert message.provider_message_id != "SMlate"


# --- A database error does not stop the sender (finding 1) ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("error", "counter"),
    [
        (OperationalError("server closed the connection unexpectedly"), "database_errors"),
        (RuntimeError("a bug"), "errors"),
    ],
)
def test_the_sender_carries_on_after_errors(settings, error, counter):
    """Finding 1: db_worker re-raised an OperationalError that was not "database locked" and exited for good. The
    sender waits out a database error (three in a row here) and any unexpected one, and sends."""
    settings.MESSAGING = {**settings.MESSAGING, "RECONNECT_MAX_SECONDS": 0.05, "POLL_SECONDS": 0.01}
    message = queue()
    sender = Sender(backend=LocmemBackend(), concurrency=2)
    real_claim = services.claim
    failures = iter([error] * 3)

    def claim(**kwargs):
        failure = next(failures, None)
        if failure is not None:
            raise failure
        claimed = real_claim(**kwargs)
        if not claimed and Message.objects.filter(status=MessageStatus.SENT).exists():
            sender.stop()
        return claimed

    with mock.patch.object(services, "claim", claim):
        runner = threading.Thread(target=sender.run)
        runner.start()
        runner.join(20)
    assert not runner.is_alive()
    assert getattr(sender.stats, counter) == 3
    assert stored(message).status == MessageStatus.SENT
    assert len(copies(message)) == 1


# --- Timings from the environment (finding 5) -----------------------------------------------------------------


def test_every_timing_comes_from_the_environment_with_a_15_second_lease_by_default():
    names = {
        "MESSAGING_LEASE_SECONDS": "LEASE_SECONDS",
        "MESSAGING_SEND_TIMEOUT_SECONDS": "SEND_TIMEOUT_SECONDS",
        "MESSAGING_BACKOFF_SECONDS": "BACKOFF_SECONDS",
        "MESSAGING_MAX_ATTEMPTS": "MAX_ATTEMPTS",
        "MESSAGING_HEARTBEAT_MAX_AGE_SECONDS": "HEARTBEAT_MAX_AGE_SECONDS",
        "MESSAGING_DELIVERY_TIMEOUT_SECONDS": "DELIVERY_TIMEOUT_SECONDS",
        "MESSAGING_CONCURRENCY": "CONCURRENCY",
    }
    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.MESSAGING))"
    base = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGING_")}
    base["DJANGO_SETTINGS_MODULE"] = "violeta.settings"

    def read(env):
        out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=django_settings.BASE_DIR,
        )
        import json

        return json.loads(out.stdout.strip().splitlines()[-1])

    defaults = read(base)
    assert defaults["LEASE_SECONDS"] == 15
    assert defaults["SEND_TIMEOUT_SECONDS"] < defaults["LEASE_SECONDS"]
    assert defaults["HEARTBEAT_MAX_AGE_SECONDS"] == 30
    changed = read({**base, **dict.fromkeys(names, "7")})
    for key in names.values():
        assert changed[key] == 7, key


# --- Real processes: SIGKILL and a database outage (PostgreSQL) ----------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _sender(tmp_path, *, pause: str = "") -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SMS_BACKEND": "violeta.alerts.tests.factories.PausingFileBackend",
        "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "MIA_TEST_SMS_PAUSE": pause,
        "MIA_TEST_SMS_MARKER": str(tmp_path / "pausing"),
        "MESSAGING_LEASE_SECONDS": "3",
        "MESSAGING_SEND_TIMEOUT_SECONDS": "1",
        "MESSAGING_SWEEP_SECONDS": "0.5",
        "MESSAGING_RECONNECT_MAX_SECONDS": "0.5",
        "DEBUG": "0",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "messaging_sender"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        _out, errors = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, errors = process.communicate()
    return errors.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pause", ["before", "after"])
def test_a_sender_process_killed_mid_send_loses_nothing_and_sends_nothing_twice(tmp_path, pause):
    """Finding 2 with a real process: SIGKILL before or after handing a message to the provider; the restarted
    sender recovers it when the lease runs out (3 s here), within lease + 5 s of being up."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database another process can share (PostgreSQL); SQLite tests run in memory")
    messages = [queue(f"Mensaje {n}") for n in range(3)]

    first = _sender(tmp_path, pause=pause)
    marker = tmp_path / "pausing"
    assert _wait_for(lambda: marker.exists() or first.poll() is not None, 60), "the sender never sent"
    assert marker.exists(), first.stderr.read().decode()
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    first.stderr.close()
    caught = Message.objects.get(pk=int(marker.read_text().split(":")[0]))
    assert caught.status == MessageStatus.SENDING
    # Killed while handing it over, not after a failure the sender saw (that would wait out a backoff instead).
    assert not caught.last_error, caught.last_error

    restarted = _sender(tmp_path)
    try:
        # The clock starts when the new sender is up (its first heartbeat), not when it was launched: starting a
        # Django process on a loaded machine can take seconds, which says nothing about recovery.
        up = _wait_for(
            lambda: SenderHeartbeat.objects.filter(name__endswith=f":{restarted.pid}").exists(), 60
        )
        up_at = time.monotonic()
        done = up and _wait_for(
            lambda: Message.objects.filter(status=MessageStatus.SENT).count() == len(messages), 30
        )
        recovered_in = time.monotonic() - up_at
    finally:
        errors = _stop(restarted)
    assert up, f"the restarted sender never wrote a heartbeat: {errors}"
    assert done, errors

    lines = read_all(tmp_path / "sms.jsonl")
    for message in messages:
        message.refresh_from_db()
        assert message.status == MessageStatus.SENT
        assert [line["body"] for line in lines].count(message.body) == 1
        assert message.provider_message_id in {line["id"] for line in lines}
    assert len(lines) == len(messages)
    assert Message.objects.get(pk=caught.pk).attempt == (2 if pause == "before" else 1)
    assert recovered_in < 3 + 5, f"recovered after {recovered_in:.1f} s"


@pytest.mark.django_db(transaction=True)
def test_a_sender_process_survives_the_database_going_away(tmp_path):
    """Finding 1 with a real process: the database refuses connections and every backend is terminated; the same
    sender process (not restarted) sends what is queued once the database is back."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database another process can share (PostgreSQL)")
    import psycopg
    import psycopg.sql

    name = connection.settings_dict["NAME"]
    params = connection.get_connection_params()
    params = {k: v for k, v in params.items() if k in ("user", "password", "host", "port")}
    # A database cannot refuse connections to itself: the switch is thrown from the maintenance database.
    admin = psycopg.connect(dbname="postgres", autocommit=True, **params)

    def allow(value: bool) -> None:
        statement = "ALTER DATABASE {} ALLOW_CONNECTIONS " + ("true" if value else "false")
        admin.execute(psycopg.sql.SQL(statement).format(psycopg.sql.Identifier(name)))

    before = queue("antes")
    sender = _sender(tmp_path)
    try:
        assert _wait_for(lambda: stored(before).status == MessageStatus.SENT)
        allow(False)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            assert cursor.fetchone()[0] >= 1  # the sender's connections
        time.sleep(3)  # down for a while: the sender retries and must not exit
        assert sender.poll() is None
        allow(True)
        after = queue("despues")
        assert _wait_for(lambda: stored(after).status == MessageStatus.SENT), "not sent after the outage"
        assert sender.poll() is None
    finally:
        allow(True)
        admin.close()
        errors = _stop(sender)
    assert "database error" in errors
    assert sorted(line["body"] for line in read_all(tmp_path / "sms.jsonl")) == ["antes", "despues"]
    assert SenderHeartbeat.objects.filter(stopped_at__isnull=False).exists()


def test_old_early_reports_and_silent_senders_are_pruned():
    old = timezone.now() - timedelta(days=8)
    ProviderReport.objects.create(provider_message_id="SMold", provider_status="delivered", received_at=old)
    ProviderReport.objects.create(provider_message_id="SMnew", provider_status="delivered")
    SenderHeartbeat.objects.create(name="gone:1", beat_at=old)
    SenderHeartbeat.objects.create(name="alive:2")

    assert services.reports_prune() == 1

    assert list(ProviderReport.objects.values_list("provider_message_id", flat=True)) == ["SMnew"]
    assert list(SenderHeartbeat.objects.values_list("name", flat=True)) == ["alive:2"]


def test_a_message_that_cannot_be_decrypted_fails_alone_and_the_others_go_out(settings):
    """One unreadable row (a key missing after a rotation) raised in the claim and stopped every message."""
    unreadable, readable = queue("ilegible"), queue("legible")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE messaging_message SET body = %s WHERE id = %s", ["v9:not-a-ciphertext", unreadable.pk]
        )

    deliver_due()

    assert stored(readable).status == MessageStatus.SENT
    unreadable = stored_raw_status(unreadable.pk)
    assert unreadable[0] == MessageStatus.FAILED and "decrypt" in unreadable[1]
    assert [sent["body"] for sent in locmem.outbox] == ["legible"]


def stored_raw_status(pk: int) -> tuple[str, str]:
    return tuple(Message.objects.filter(pk=pk).values_list("status", "last_error").get())


class HangingStatusBackend(ReportingBackend):
    """Asking the provider about a delivery hangs until the test releases it."""

    release = threading.Event()

    def status(self, provider_message_id):
        assert self.release.wait(10)
        return "delivered"


def test_a_hanging_delivery_query_does_not_hold_the_sender_back(settings):
    """The delivery check asked the provider in the main loop: one hanging answer (up to the timeout, for each of
    up to 100 messages) held every claim, record and heartbeat back."""
    silent = queue("callado")
    deliver_due(backend=ReportingBackend())
    later(sent_at=timezone.now() - timedelta(seconds=settings.MESSAGING["DELIVERY_TIMEOUT_SECONDS"] + 1))
    HangingStatusBackend.release.clear()
    sender = Sender(backend=HangingStatusBackend(), concurrency=4)
    sender.pool = ThreadPoolExecutor(max_workers=4)
    try:
        sender.housekeeping(force=True)  # the delivery question goes to a thread; it returns at once
        assert stored(silent).checked_at is not None  # taken: asked once
        fresh = queue("nuevo")
        for message in sender.claim():
            sender._submit(message)
        deadline = time.monotonic() + 10
        while stored(fresh).status != MessageStatus.SENT and time.monotonic() < deadline:
            sender.wake.wait(0.1)
            sender.wake.clear()
            sender.record()
        assert stored(fresh).status == MessageStatus.SENT
        assert stored(silent).status == MessageStatus.SENT  # its answer has not come yet
    finally:
        HangingStatusBackend.release.set()
        sender.pool.shutdown(wait=True)
    sender.record()
    assert stored(silent).status == MessageStatus.DELIVERED
    assert [sent["body"] for sent in locmem.outbox].count("callado") == 1
