"""The SMS outbox: each message sent once by the worker, retried with backoff, never twice for one attempt.

Test gateways below are chosen through ``settings.SMS_BACKEND`` like any other backend.
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from violeta.alerts import services
from violeta.alerts.models import SmsKind, SmsMessage, SmsStatus
from violeta.alerts.sms import SmsError, locmem
from violeta.alerts.sms.file import read_all
from violeta.alerts.sms.locmem import LocmemBackend
from violeta.alerts.tests.factories import make_due, mia_account, pending_tasks, run_tasks, task_args

pytestmark = pytest.mark.django_db

HERE = "violeta.alerts.tests.test_outbox."
TO = "+526144900789"


class Gateway:
    """What the test gateways were asked to do in this test."""

    calls = 0
    failures = 0


class FlakyBackend(LocmemBackend):
    """Refuses the first ``Gateway.failures`` submissions (provider down), then delivers to locmem."""

    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        if Gateway.calls <= Gateway.failures:
            raise SmsError("gateway timeout")
        return super().send(to, body, idempotency_key)


class ReportingBackend(LocmemBackend):
    """A provider that sends delivery reports (as Twilio does), so silence is suspicious."""

    reports_delivery = True


class WorkerKilled(BaseException):
    """The process dies: not an Exception, so no ``except Exception`` in the code under test catches it."""


class DiesBeforeHandoverBackend(LocmemBackend):
    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        raise WorkerKilled


class DiesAfterHandoverBackend(LocmemBackend):
    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        super().send(to, body, idempotency_key)  # the provider has it…
        raise WorkerKilled  # …but the worker dies before recording it


@pytest.fixture(autouse=True)
def _gateway():
    Gateway.calls = 0
    Gateway.failures = 0


def use(settings, backend: str) -> None:
    settings.SMS_BACKEND = backend if "." in backend else HERE + backend


def queue(body: str = "Prueba de envio") -> SmsMessage:
    return services.sms_queue(kind=SmsKind.REMINDER, to=TO, body=body)


def copies(message: SmsMessage) -> list[dict]:
    return [sent for sent in locmem.outbox if sent["body"] == message.body and sent["to"] == message.to_phone]


def Message(message: SmsMessage) -> SmsMessage:
    """The message as stored now."""
    return SmsMessage.objects.get(pk=message.pk)


def simulate_worker_death(message: SmsMessage) -> None:
    """Run the dispatch as the worker would, and let it die; its task stays claimed, as a killed worker's does."""
    with pytest.raises(WorkerKilled):
        services.sms_dispatch_run(message_id=message.pk)
    assert pending_tasks("sms_dispatch").update(status="RUNNING") == 1


def restarted_worker_runs_for_a_while(rounds: int = 4) -> None:
    """The restarted worker over the next minutes: everything deferred (watchdogs, retries) comes due and runs."""
    for _round in range(rounds):
        make_due()
        run_tasks()


# --- Sending ---------------------------------------------------------------------------------------------------


def test_the_worker_sends_a_message_once_and_records_the_provider_id():
    message = queue()

    run_tasks()
    run_tasks()
    restarted_worker_runs_for_a_while()  # its watchdog runs too, and finds it sent
    services.sms_dispatch_run(message_id=message.pk)  # the same task delivered twice

    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.attempt == 1
    assert message.sent_at is not None
    assert copies(message) == [
        {"to": TO, "body": "Prueba de envio", "key": f"{message.pk}:1", "id": message.provider_message_id}
    ]
    assert message.provider_message_id.startswith("SM")


def test_a_message_is_not_sent_before_it_is_committed_with_its_task():
    message = queue()

    assert task_args(pending_tasks("sms_dispatch").get()) == [message.pk]
    assert locmem.outbox == []


def test_a_failed_sms_is_retried_with_backoff(settings):
    use(settings, "FlakyBackend")
    Gateway.failures = 2
    backoff = settings.MIA["SMS_BACKOFF_SECONDS"]
    message = queue()

    before = timezone.now()
    run_tasks()
    after = timezone.now()

    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.attempt == 1
    assert message.last_error == "gateway timeout"
    first_delay = timedelta(seconds=backoff)
    assert before + first_delay <= message.next_attempt_at <= after + first_delay
    retry = pending_tasks("sms_dispatch").get()
    assert task_args(retry) == [message.pk]
    assert retry.run_after == message.next_attempt_at
    run_tasks()  # not due yet: nothing happens
    assert Gateway.calls == 1

    make_due()
    before = timezone.now()
    run_tasks()
    after = timezone.now()

    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.attempt == 2
    second_delay = timedelta(seconds=2 * backoff)  # the wait doubles
    assert before + second_delay <= message.next_attempt_at <= after + second_delay
    assert locmem.outbox == []

    make_due()
    run_tasks()

    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.attempt == 3
    assert Gateway.calls == 3
    assert [sent["key"] for sent in copies(message)] == [f"{message.pk}:3"]
    assert message.provider_message_id == locmem.outbox[0]["id"]


def test_the_outbox_gives_up_after_the_maximum_attempts(settings):
    use(settings, "FlakyBackend")
    Gateway.failures = 100
    settings.MIA = {**settings.MIA, "SMS_MAX_ATTEMPTS": 3}
    message = queue()

    restarted_worker_runs_for_a_while(rounds=6)

    message.refresh_from_db()
    assert message.status == SmsStatus.GAVE_UP
    assert message.attempt == 3
    assert Gateway.calls == 3
    assert not pending_tasks("sms_dispatch").exists()
    assert locmem.outbox == []


def test_a_backend_without_delivery_reports_gets_no_delivery_check():
    message = queue()

    run_tasks()

    assert Message(message).status == SmsStatus.SENT
    assert not pending_tasks("sms_delivery_check").exists()


def test_no_delivery_report_in_time_sends_again_with_a_reporting_backend(settings):
    use(settings, "ReportingBackend")
    message = queue()
    run_tasks()
    message.refresh_from_db()
    check = pending_tasks("sms_delivery_check").get()
    assert task_args(check) == [message.pk, 1]
    assert check.run_after == message.sent_at + timedelta(
        seconds=settings.MIA["SMS_DELIVERY_TIMEOUT_SECONDS"]
    )
    run_tasks()
    assert len(copies(message)) == 1  # not before its time

    make_due("sms_delivery_check")
    run_tasks()

    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.last_error == "no delivery report in time"
    make_due()
    run_tasks()
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.attempt == 2
    assert [sent["key"] for sent in copies(message)] == [f"{message.pk}:1", f"{message.pk}:2"]


# --- Delivery reports ------------------------------------------------------------------------------------------


def test_a_delivered_message_is_not_resent(settings):
    use(settings, "ReportingBackend")
    message = queue()
    run_tasks()
    message.refresh_from_db()

    services.sms_status_update(provider_message_id=message.provider_message_id, provider_status="delivered")

    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED
    assert message.delivered_at is not None
    restarted_worker_runs_for_a_while()  # the delivery check and the watchdog come due
    services.sms_dispatch_run(message_id=message.pk)
    services.sms_delivery_check_run(message_id=message.pk, attempt=1)
    services.sms_watchdog_run(message_id=message.pk, attempt=1)
    services.sms_status_update(provider_message_id=message.provider_message_id, provider_status="undelivered")
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED
    assert message.attempt == 1
    assert len(copies(message)) == 1


@pytest.mark.parametrize("report", ["failed", "undelivered"])
def test_a_failure_report_schedules_a_retry(report):
    message = queue()
    run_tasks()
    message.refresh_from_db()
    before = timezone.now()

    services.sms_status_update(provider_message_id=message.provider_message_id, provider_status=report)

    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.provider_status == report
    assert message.next_attempt_at > before
    assert pending_tasks("sms_dispatch").get().run_after == message.next_attempt_at
    make_due()
    run_tasks()
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.attempt == 2
    assert len(copies(message)) == 2


@pytest.mark.parametrize("report", ["queued", "sent", "accepted", "sending", "made-up"])
def test_progress_reports_keep_the_message_sent(report):
    message = queue()
    run_tasks()
    message.refresh_from_db()

    services.sms_status_update(provider_message_id=message.provider_message_id, provider_status=report)

    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.provider_status == ("sent" if report == "made-up" else report)
    assert not pending_tasks("sms_dispatch").exists()


def test_a_report_for_an_unknown_message_changes_nothing():
    message = queue()
    run_tasks()

    assert services.sms_status_update(provider_message_id="SMunknown", provider_status="failed") is None

    assert Message(message).status == SmsStatus.SENT


# --- A worker killed mid-dispatch ------------------------------------------------------------------------------


def test_worker_killed_before_handing_over_resends_exactly_once(settings):
    use(settings, "DiesBeforeHandoverBackend")
    message = queue()

    simulate_worker_death(message)

    message.refresh_from_db()
    assert message.status == SmsStatus.SENDING
    assert message.attempt == 1
    watchdog = pending_tasks("sms_watchdog").get()
    assert task_args(watchdog) == [message.pk, 1]
    assert watchdog.run_after == message.claimed_at + timedelta(seconds=settings.MIA["SMS_LEASE_SECONDS"])
    assert locmem.outbox == []

    use(settings, "violeta.alerts.sms.locmem.LocmemBackend")  # the restarted worker
    services.sms_watchdog_run(message_id=message.pk, attempt=1)
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED  # not found at the gateway: a new attempt is scheduled
    restarted_worker_runs_for_a_while()

    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.attempt == 2
    assert [sent["key"] for sent in copies(message)] == [f"{message.pk}:2"]
    assert Gateway.calls == 1


def test_worker_killed_after_handing_over_is_recorded_without_a_second_copy(settings):
    use(settings, "DiesAfterHandoverBackend")
    message = queue()

    simulate_worker_death(message)

    message.refresh_from_db()
    assert message.status == SmsStatus.SENDING
    assert len(copies(message)) == 1

    use(settings, "violeta.alerts.sms.locmem.LocmemBackend")  # the restarted worker
    services.sms_watchdog_run(message_id=message.pk, attempt=1)
    restarted_worker_runs_for_a_while()

    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.attempt == 1
    assert copies(message) == [
        {"to": TO, "body": message.body, "key": f"{message.pk}:1", "id": message.provider_message_id}
    ]


def test_the_watchdog_of_an_old_attempt_does_nothing(settings):
    message = queue()
    run_tasks()

    services.sms_watchdog_run(message_id=message.pk, attempt=1)
    services.sms_watchdog_run(message_id=message.pk, attempt=7)

    assert Message(message).status == SmsStatus.SENT
    assert len(copies(message)) == 1


# --- The same, with a real worker process killed by SIGKILL (PostgreSQL) ---------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(tmp_path, *, pause: str = "", batch: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SMS_BACKEND": "violeta.alerts.tests.factories.PausingFileBackend",
        "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "MIA_TEST_SMS_PAUSE": pause,
        "MIA_TEST_SMS_MARKER": str(tmp_path / "pausing"),
        "DEBUG": "0",
    }
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0.1",
    ]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [*command, "--batch"] if batch else command,
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pause", ["before", "after"])
def test_a_worker_process_killed_mid_send_loses_nothing_and_sends_nothing_twice(tmp_path, pause):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database another process can share (PostgreSQL); SQLite tests run in memory")
    account = mia_account(display_name="Lupita", contacts=2)
    alert, _created = services.alert_raise(account=account, client_id="press-killed")
    messages = list(SmsMessage.objects.filter(alert=alert).order_by("id"))

    worker = _worker(tmp_path, pause=pause, batch=False)
    marker = tmp_path / "pausing"
    deadline = time.monotonic() + 60
    while not marker.exists() and worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), (
        worker.stderr.read().decode() if worker.poll() is not None else "worker never sent"
    )
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    worker.stderr.close()

    caught = SmsMessage.objects.get(pk=int(marker.read_text().split(":")[0]))
    assert caught.status == SmsStatus.SENDING
    assert len(read_all(tmp_path / "sms.jsonl")) == (0 if pause == "before" else 1)

    for _round in range(3):  # the restarted worker, while watchdogs and retries come due
        make_due()
        restarted = _worker(tmp_path, batch=True)
        _out, errors = restarted.communicate(timeout=60)
        assert restarted.returncode == 0, errors.decode()

    lines = read_all(tmp_path / "sms.jsonl")
    for message in messages:
        message.refresh_from_db()
        assert message.status == SmsStatus.SENT
        assert [line["body"] for line in lines].count(message.body) == 1
        assert message.provider_message_id in {line["id"] for line in lines}
    assert len(lines) == len(messages)
    assert SmsMessage.objects.get(pk=caught.pk).attempt == (2 if pause == "before" else 1)
    assert json.dumps(lines, ensure_ascii=False).count("Lupita") == len(messages)


class DiesAfterFirstHandoverBackend(LocmemBackend):
    """Hands the alert's first message to the provider, then the worker dies before recording it."""

    def send(self, to, body, idempotency_key):
        Gateway.calls += 1
        super().send(to, body, idempotency_key)
        if Gateway.calls == 1:
            raise WorkerKilled


def test_worker_killed_in_the_middle_of_an_alerts_batch_loses_nothing_and_sends_nothing_twice(settings):
    """An alert's messages go out in one task: the first handed over but unrecorded, the second claimed but never
    handed over (the worker died first)."""
    from violeta.alerts.tests.factories import mia_alert

    alert = mia_alert(mia_account(contacts=2))
    batch = pending_tasks("sms_dispatch_batch").get()
    use(settings, "DiesAfterFirstHandoverBackend")
    with pytest.raises(WorkerKilled):
        services.sms_dispatch_many_run(message_ids=task_args(batch)[0])
    pending_tasks("sms_dispatch_batch").update(status="RUNNING")  # the dead worker's task stays claimed
    first, second = alert.messages.order_by("pk")
    assert Message(first).status == SmsStatus.SENDING and len(copies(first)) == 1
    assert Message(second).status == SmsStatus.SENDING and not copies(second)

    settings.SMS_BACKEND = "violeta.alerts.sms.locmem.LocmemBackend"
    restarted_worker_runs_for_a_while()

    for message in (first, second):
        assert Message(message).status == SmsStatus.SENT
        assert len(copies(message)) == 1
    assert Message(first).attempt == 1  # recorded from the gateway's log, not sent again
    assert Message(second).attempt == 2  # not found at the gateway: sent on a new attempt, once


# --- Throughput: one task run sends for several alerts, and settles its own watchdog ------------------------------


def test_an_alerts_batch_also_sends_other_due_messages_and_deletes_their_tasks(settings):
    from violeta.alerts.tests.factories import mia_alert

    first, second = mia_alert(mia_account(contacts=2)), mia_alert(mia_account(contacts=3))
    batches = list(pending_tasks("sms_dispatch_batch").order_by("enqueued_at"))
    assert [batch.pk for batch in batches] == [first.dispatch_task_id, second.dispatch_task_id]

    services.sms_dispatch_many_run(message_ids=task_args(batches[0])[0])  # the first alert's task drains both

    for message in [*first.messages.all(), *second.messages.all()]:
        assert Message(message).status == SmsStatus.SENT and Message(message).attempt == 1
        assert len(copies(message)) == 1
    # The second alert's own task would have found nothing to do: it is gone, not left to run.
    assert list(pending_tasks("sms_dispatch_batch")) == [batches[0]]
    services.sms_dispatch_many_run(message_ids=task_args(batches[1])[0])  # were it run anyway: nothing left
    restarted_worker_runs_for_a_while()
    assert len(locmem.outbox) == 5


def test_a_drained_alerts_task_is_kept_while_some_of_its_messages_wait(settings):
    """The drain is bounded: an alert of which only some messages were taken keeps its task, which sends the
    rest; a task a worker has already claimed is never deleted under it."""
    from violeta.alerts.tests.factories import mia_alert

    settings.MIA = {**settings.MIA, "SMS_DRAIN_MAX": 4}
    own, partly, claimed = (mia_alert(mia_account(contacts=n)) for n in (2, 3, 1))
    pending_tasks("sms_dispatch_batch").filter(pk=claimed.dispatch_task_id).update(status="RUNNING")
    SmsMessage.objects.filter(alert=claimed).update(next_attempt_at=timezone.now() - timedelta(minutes=1))

    services.sms_dispatch_many_run(message_ids=[m.pk for m in own.messages.all()])

    # Her 2, the oldest due (the claimed alert's, backdated) and 1 of the 3 of the next alert.
    assert len(locmem.outbox) == 4
    assert [Message(m).status for m in partly.messages.order_by("pk")] == [
        SmsStatus.SENT,
        SmsStatus.PENDING,
        SmsStatus.PENDING,
    ]
    assert all(Message(m).status == SmsStatus.SENT for m in claimed.messages.all())
    left = set(pending_tasks("sms_dispatch_batch").values_list("pk", flat=True))
    assert left == {own.dispatch_task_id, partly.dispatch_task_id}
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get(pk=claimed.dispatch_task_id).status == "RUNNING"

    services.sms_dispatch_many_run(message_ids=[m.pk for m in partly.messages.all()])
    assert all(len(copies(m)) == 1 for m in partly.messages.all())
    assert len(locmem.outbox) == 6


def test_a_drain_that_rolls_back_leaves_the_other_alerts_tasks_and_messages_as_they_were():
    from django.db import transaction

    from violeta.alerts.tests.factories import mia_alert

    own, other = mia_alert(mia_account(contacts=1)), mia_alert(mia_account(contacts=2))

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        assert len(services._claim([m.pk for m in own.messages.all()], timezone.now())) == 3
        assert not pending_tasks("sms_dispatch_batch").filter(pk=other.dispatch_task_id).exists()
        raise Abort

    assert pending_tasks("sms_dispatch_batch").filter(pk=other.dispatch_task_id).exists()
    assert all(
        Message(m).status == SmsStatus.PENDING and Message(m).attempt == 0 for m in other.messages.all()
    )
    run_tasks()
    assert all(len(copies(m)) == 1 for m in [*own.messages.all(), *other.messages.all()])


# --- The batch window: under load, the alerts of one window go out in one task run -------------------------------


def _window_ms(when) -> int:
    return round(when.timestamp() * 1000)


@pytest.mark.parametrize("path", ["one statement", "orm"])
def test_an_alerts_dispatch_is_due_at_the_end_of_its_batch_window(settings, monkeypatch, path):
    from django_tasks_db.models import DBTaskResult, get_date_max

    from violeta.alerts.tests.factories import mia_alert

    if path == "orm":  # the path SQLite (and any backend but the database one) takes
        monkeypatch.setattr(services, "_alert_raise_postgresql", lambda **kwargs: None)
    elif connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")
    settings.MIA = {**settings.MIA, "SMS_BATCH_WINDOW_MS": 250}
    alert = mia_alert(mia_account(contacts=2))
    task = DBTaskResult.objects.get(pk=alert.dispatch_task_id)
    assert task.task_path.endswith("sms_dispatch_batch")
    assert sorted(task_args(task)[0]) == sorted(m.pk for m in alert.messages.all())
    started = alert.started_at
    assert started < task.run_after <= started + timedelta(milliseconds=250)
    assert _window_ms(task.run_after) % 250 == 0

    settings.MIA = {**settings.MIA, "SMS_BATCH_WINDOW_MS": 0}
    at_once = mia_alert(mia_account(contacts=1))
    assert DBTaskResult.objects.get(pk=at_once.dispatch_task_id).run_after == get_date_max()


def test_the_alerts_of_one_window_go_out_in_one_task_run(settings):
    from django_tasks_db.models import DBTaskResult

    from violeta.alerts.tests.factories import mia_alert

    settings.MIA = {**settings.MIA, "SMS_BATCH_WINDOW_MS": 60_000}
    alerts = [mia_alert(mia_account(contacts=2)) for _ in range(4)]
    run_tasks()
    assert not locmem.outbox  # not before the window ends

    make_due("sms_dispatch_batch")
    run_tasks()

    assert len(locmem.outbox) == 8
    assert all(len(copies(m)) == 1 for alert in alerts for m in alert.messages.all())
    runs = DBTaskResult.objects.filter(task_path__endswith="sms_dispatch_batch")
    assert [run.status for run in runs] == ["SUCCESSFUL"]  # the other three were deleted, not run


def test_the_drain_is_bounded_and_skips_what_is_not_due(settings):
    from violeta.alerts.tests.factories import mia_alert

    settings.MIA = {**settings.MIA, "SMS_DRAIN_MAX": 3}
    own = mia_alert(mia_account(contacts=2))
    others = [mia_alert(mia_account(contacts=2)) for _ in range(2)]
    later = queue("Mas tarde")
    SmsMessage.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    batch = pending_tasks("sms_dispatch_batch").order_by("enqueued_at").first()
    assert sorted(task_args(batch)[0]) == sorted(m.pk for m in own.messages.all())

    services.sms_dispatch_many_run(message_ids=task_args(batch)[0])

    assert len(locmem.outbox) == 3  # her 2 and one more, oldest first
    assert all(len(copies(message)) == 1 for message in own.messages.all())
    assert len(copies(others[0].messages.order_by("pk").first())) == 1
    assert Message(later).status == SmsStatus.PENDING and not copies(later)


def test_a_settled_batch_cancels_its_watchdog_and_an_unsettled_one_keeps_it(settings):
    from violeta.alerts.tests.factories import mia_alert

    alert = mia_alert(mia_account(contacts=2))
    services.sms_dispatch_many_run(message_ids=[m.pk for m in alert.messages.all()])
    assert not pending_tasks("sms_watchdog_many").exists()  # both recorded: nothing left to watch

    use(settings, "DiesAfterHandoverBackend")
    other = mia_alert(mia_account(contacts=1))
    with pytest.raises(WorkerKilled):
        services.sms_dispatch_many_run(message_ids=[m.pk for m in other.messages.all()])
    watchdog = pending_tasks("sms_watchdog_many").get()
    assert task_args(watchdog) == [[m.pk for m in other.messages.all()]]


@pytest.mark.django_db(transaction=True)
def test_recording_a_batch_locks_its_messages_in_id_order():
    """Two workers' batches can overlap (one records what it drained while the other claims its own messages,
    in id order): recording must take its locks in id order too, or the two can deadlock."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    import threading

    import psycopg
    from django.db import connections

    from violeta.alerts.sms import SendResult

    low, high = queue("Primero"), queue("Segundo")
    for message in (high, low):  # the higher id now first in the table too, where a scan would meet it first
        SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.SENDING, attempt=1)
    dsn = connection.get_connection_params()
    params = {key: dsn[key] for key in ("dbname", "user", "host", "port") if dsn.get(key)}
    holder = psycopg.connect(**params)
    prober = psycopg.connect(**params, autocommit=True)
    try:
        holder.execute(
            "SELECT 1 FROM alerts_smsmessage WHERE id = %s FOR UPDATE", [high.pk]
        )  # another worker

        def record():
            try:
                # The higher id first, as a hash join may take them.
                services._record_sent_many(
                    [(Message(high), SendResult("p-2")), (Message(low), SendResult("p-1"))], LocmemBackend()
                )
            finally:
                connections.close_all()

        recorder = threading.Thread(target=record)
        recorder.start()
        deadline = time.monotonic() + 10
        waiting = False
        while time.monotonic() < deadline and not waiting:
            time.sleep(0.05)
            waiting = (
                prober.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE %s",
                    ["%alerts_smsmessage%"],
                ).fetchone()[0]
                > 0
            )
        assert waiting, "the recording never waited for the held row"
        # While it waits for the higher id, it already holds the lower one.
        with pytest.raises(psycopg.errors.LockNotAvailable):
            prober.execute("SELECT 1 FROM alerts_smsmessage WHERE id = %s FOR UPDATE NOWAIT", [low.pk])
        holder.commit()
        recorder.join(timeout=10)
        assert not recorder.is_alive()
    finally:
        holder.close()
        prober.close()
    assert {Message(low).status, Message(high).status} == {SmsStatus.SENT}
