"""Twilio's backend and the sender against a local fake of Twilio (violeta/testing/fake_twilio.py).

Issue 13, finding 3 (a status callback that beats the answer to the send was dropped, and the message sent again
10 minutes later; an answer slower than the timeout was taken for a refusal and sent again) and finding 4 (one
slow answer stalled every other message). No wall-clock assertions: the tests wait on states, not on time.

Every database access stays in the test's thread: the sender is driven step by step there (``drive``), its pool
threads only talk HTTP, and status callbacks are handed over by ``CallbackInbox`` and posted with Django's test
client from this thread, so the same test runs on SQLite and PostgreSQL inside the test's transaction.
"""

import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from violeta.messaging import services
from violeta.messaging.backends import SendResult, SmsError, SmsUnknown
from violeta.messaging.backends.twilio import TwilioBackend, signature_is_valid
from violeta.messaging.models import Message, MessageKind, MessageStatus, ProviderReport
from violeta.messaging.sender import Sender
from violeta.testing.fake_twilio import CallbackInbox, FakeTwilio

pytestmark = pytest.mark.django_db

SID, TOKEN = "ACtest0000", "test-auth-token"


@pytest.fixture
def twilio(settings):
    """Settings for the Twilio backend pointed at a fake; returns a function that starts one."""
    settings.SMS_BACKEND = "violeta.messaging.backends.twilio.TwilioBackend"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    settings.TWILIO_FROM, settings.TWILIO_MESSAGING_SERVICE_SID = "+15005550006", ""
    settings.SITE_URL = "http://testserver"
    settings.MESSAGING = {
        **settings.MESSAGING,
        "SEND_TIMEOUT_SECONDS": 0.5,
        "BACKOFF_SECONDS": 0,  # a refused message is due again at once
        "MAX_ATTEMPTS": 10,
        "LEASE_SECONDS": 300,  # only an unanswered send ends its lease early (record_unknown)
        "CONCURRENCY": 8,
    }
    started = []

    def start(**options) -> FakeTwilio:
        fake = FakeTwilio(account_sid=SID, auth_token=TOKEN, **options).start()
        settings.TWILIO_API_BASE = fake.base_url
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


def queue_messages(count: int, *, phones: int = 10) -> list[Message]:
    """``count`` alert messages, each body with a token of its own (as alert bodies have), to ``phones`` numbers."""
    return [
        services.message_queue(
            kind=MessageKind.ALERT,
            to=f"+52614490{number % phones:04d}",
            body=f"MIA ALERT {number} tok{number:05d}",
        )
        for number in range(count)
    ]


def post_callback(client):
    """Post a status callback as Twilio would, through Django's test client (in the test's thread)."""

    def post(url, params, headers):
        response = client.post(
            urllib.parse.urlsplit(url).path, params, HTTP_X_TWILIO_SIGNATURE=headers["X-Twilio-Signature"]
        )
        return response.status_code

    return post


def drive(sender: Sender, until, *, inbox: CallbackInbox | None = None, post=None, limit: float = 60) -> None:
    """What ``Sender.run`` does, in this thread: post the callbacks that came in, record answers, sweep, claim and
    hand the claimed messages to the pool, until ``until()``. ``limit`` only stops a broken test from hanging."""
    if sender.pool is None:
        sender.pool = ThreadPoolExecutor(max_workers=sender.concurrency, thread_name_prefix="sms")
    if inbox is not None:
        inbox.wake = sender.wake
    deadline = time.monotonic() + limit
    while True:
        if inbox is not None:
            inbox.process(post)
        sender.record()
        if until():
            return
        sender.housekeeping(force=True)
        for message in sender.claim():
            sender._submit(message)
        sender.wake.wait(0.05)
        sender.wake.clear()
        assert time.monotonic() < deadline, "the outbox did not settle"


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Message.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


# --- The backend alone ----------------------------------------------------------------------------------------


def test_an_accepted_message_gives_its_provider_id(twilio):
    fake = twilio()
    result = TwilioBackend().send("+526144900001", "hola", "1:1")
    assert isinstance(result, SendResult)
    assert result.status == "queued"
    assert [(m["sid"], m["to"], m["body"]) for m in fake.accepted] == [
        (result.provider_message_id, "+526144900001", "hola")
    ]
    assert fake.accepted[0]["status_callback"] == "http://testserver/mia/sms/estado/"


def test_a_server_error_is_a_refusal_not_accepted(twilio):
    fake = twilio(pattern=["fail"])
    with pytest.raises(SmsError) as raised:
        TwilioBackend().send("+526144900001", "hola", "1:1")
    assert not isinstance(raised.value, SmsUnknown)
    assert fake.accepted == []


def test_no_answer_in_time_is_unknown_and_lookup_finds_what_was_accepted(twilio):
    fake = twilio(pattern=["timeout"], timeout_seconds=2)
    backend = TwilioBackend()
    with pytest.raises(SmsUnknown):
        backend.send("+526144900001", "hola tok1", "1:1")
    # The fake accepted it before it stalled: asking finds it, and only that text.
    found = backend.lookup("1:1", to="+526144900001", body="hola tok1")
    assert found is not None
    assert found.provider_message_id == fake.accepted[0]["sid"]
    assert backend.lookup("1:1", to="+526144900001", body="another text") is None
    assert backend.lookup("1:1", to="+526144900002", body="hola tok1") is None


def test_lookup_finds_a_message_the_provider_still_holds_queued(twilio):
    """Twilio queues what it accepts (one message a second per number: a burst waits minutes) and a queued message
    has no sent date: a lookup filtered on DateSent did not see it, and it was sent again."""
    fake = twilio(pattern=["ok"])  # no callbacks: it stays "queued", without a sent date
    backend = TwilioBackend()
    backend.send("+526144900001", "hola tok1", "1:1")
    found = backend.lookup("1:1", to="+526144900001", body="hola tok1")
    assert found is not None and found.provider_message_id == fake.accepted[0]["sid"]
    assert found.status == "queued"


def test_status_reads_the_providers_status(twilio):
    fake = twilio(callbacks=True, deliver=lambda url, params, headers: 204)
    backend = TwilioBackend()
    sid = backend.send("+526144900001", "hola", "1:1").provider_message_id
    assert fake.wait_for(lambda f: (sid, "delivered", 204) in f.callback_results, timeout=10)
    assert backend.status(sid) == "delivered"
    with pytest.raises(SmsError):
        backend.status("SMnotthere")


def test_the_early_callback_comes_before_the_answer_and_is_signed(twilio):
    received = []
    fake = twilio(pattern=["early_callback"])
    fake.deliver = lambda url, params, headers: received.append((url, params, headers, list(fake.answered)))
    result = TwilioBackend().send("+526144900001", "hola", "1:1")
    [(url, params, headers, answered_before)] = received
    assert answered_before == []  # the callback left before the answer to the send
    assert params["MessageSid"] == result.provider_message_id
    assert params["MessageStatus"] == "delivered"
    assert url == "http://testserver/mia/sms/estado/"
    assert signature_is_valid(url, params, headers["X-Twilio-Signature"])
    assert not signature_is_valid(url, {**params, "MessageStatus": "failed"}, headers["X-Twilio-Signature"])


# --- The sender against the fake: finding 3 --------------------------------------------------------------------


def test_an_early_callback_is_kept_and_the_message_ends_delivered_sent_once(twilio, client):
    inbox = CallbackInbox()
    fake = twilio(pattern=["early_callback"], deliver=inbox.deliver)
    [message] = queue_messages(1)
    drive(
        Sender(),
        lambda: not Message.objects.filter(status__in=["pending", "sending", "failed"]).exists(),
        inbox=inbox,
        post=post_callback(client),
    )
    message.refresh_from_db()
    assert fake.callback_results == [(fake.accepted[0]["sid"], "delivered", 204)]
    assert message.status == MessageStatus.DELIVERED
    assert message.provider_message_id == fake.accepted[0]["sid"]
    assert not ProviderReport.objects.exists()  # applied, not left behind
    # Nothing is left to send again "for want of a delivery report".
    assert services.delivery_sweep(TwilioBackend()) == 0
    assert len(fake.accepted) == 1


def test_an_answer_slower_than_the_timeout_is_not_sent_again(twilio):
    fake = twilio(pattern=["timeout", "ok"], timeout_seconds=2)
    [message] = queue_messages(1)
    sender = Sender()
    drive(sender, lambda: Message.objects.filter(status=MessageStatus.SENT).exists())
    message.refresh_from_db()
    assert message.attempt == 1
    assert message.provider_message_id == fake.accepted[0]["sid"]
    assert sender.stats.unknown == 1
    assert len(fake.accepted) == 1
    assert fake.requests == 1


def test_a_request_the_provider_takes_in_after_the_timeout_is_not_sent_twice(twilio, settings):
    """The provider takes the request in only after the client gave up waiting (it sat in the provider's queue):
    the lookup made at the timeout does not find it yet. It is not sent again: it is asked about again once the
    attempt has had SETTLE_SECONDS to reach the provider, and found then (CI's fault scenario saw this double)."""
    settings.MESSAGING = {**settings.MESSAGING, "SETTLE_SECONDS": 3}
    fake = twilio(pattern=["late", "ok"], late_seconds=1.5)
    [message] = queue_messages(1)
    sender = Sender()
    drive(sender, lambda: Message.objects.filter(status=MessageStatus.SENT).exists())
    assert fake.wait_for(lambda f: len(f.answered) == f.requests, timeout=10)  # every request taken in
    assert fake.duplicates() == []
    assert fake.requests == 1 and len(fake.accepted) == 1
    message.refresh_from_db()
    assert message.attempt == 1
    assert message.provider_message_id == fake.accepted[0]["sid"]
    assert sender.stats.unknown == 1


def test_an_attempt_not_found_once_it_settled_is_sent_again(settings):
    """Not there when asked after SETTLE_SECONDS: the provider never took it in, and it is sent again."""
    settings.MESSAGING = {**settings.MESSAGING, "SETTLE_SECONDS": 1, "BACKOFF_SECONDS": 0}
    [message] = queue_messages(1)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, attempt=1)
    claimed = Message.objects.get(pk=message.pk)
    claimed.claimed_at = claimed.created_at
    # asked before it settled: held, asked again at claimed_at + SETTLE
    assert not services.lookup_resolve(claimed, None, settles=True, now=claimed.claimed_at)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING and message.attempt == 1
    assert message.lease_until == claimed.claimed_at + timedelta(seconds=1)
    # asked after: sent again
    assert services.lookup_resolve(claimed, None, settles=True, now=message.lease_until)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.next_attempt_at <= timezone.now()


def test_a_mix_of_answers_ends_with_every_message_sent_once(twilio, client):
    """60 messages; the fake answers in turn slowly, with 500/503, with the callback before the answer, and
    accepted but too late for the client's timeout. Each message reaches the fake exactly once."""
    inbox = CallbackInbox()
    cycle = ["ok", "slow", "fail", "early_callback", "timeout", "ok", "early_callback", "fail", "slow", "ok"]
    fake = twilio(pattern=cycle, slow_seconds=0.2, timeout_seconds=1.0, callbacks=True, deliver=inbox.deliver)
    messages = queue_messages(60)
    sender = Sender()
    drive(
        sender,
        lambda: not Message.objects.filter(status__in=["pending", "sending", "failed"]).exists(),
        inbox=inbox,
        post=post_callback(client),
    )
    pairs = fake.accepted_pairs()
    wanted = {(message.to_phone, message.body) for message in messages}
    assert fake.duplicates() == []
    assert wanted - pairs == set()  # none lost
    assert len(fake.accepted) == 60
    assert set(fake.counts) == {"ok", "slow", "fail", "early_callback", "timeout"}
    assert sender.stats.unknown >= 1 and sender.stats.refused >= 1
    final = statuses()
    assert set(final) <= {MessageStatus.SENT, MessageStatus.DELIVERED}, final
    # Every message accepted with an early callback is delivered (the report was kept, then applied).
    early = {m["sid"] for m in fake.accepted if m["behaviour"] == "early_callback"}
    assert early
    assert set(Message.objects.filter(provider_message_id__in=early).values_list("status", flat=True)) == {
        MessageStatus.DELIVERED
    }
    # Each row holds the id the fake gave for its text.
    by_pair = {(m["to"], m["body"]): m["sid"] for m in fake.accepted}
    for message in Message.objects.all():
        assert message.provider_message_id == by_pair[(message.to_phone, message.body)]
    assert not ProviderReport.objects.exists()


# --- Finding 4: one slow answer delays only its own message ------------------------------------------------------


def test_one_stuck_answer_does_not_hold_up_the_others(twilio):
    stuck_to = "+526144900000"
    fake = twilio(pattern=lambda number, to, body: "hold" if to == stuck_to else "ok")
    queue_messages(6, phones=6)  # the first to stuck_to, queued first
    sender = Sender(concurrency=4)
    drive(sender, lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 5)
    stuck = Message.objects.get(to_phone=stuck_to)
    assert stuck.status == MessageStatus.SENDING
    # the others were answered and recorded while it waited (the fake notes an answer just after sending it: the
    # sender may record it first, so wait for the note)
    assert fake.wait_for(lambda f: len(f.answered) == 5, timeout=10)
    assert stuck_to not in {fake.by_sid[sid]["to"] for sid in fake.answered}
    fake.release()
    drive(sender, lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 6)
    assert fake.wait_for(lambda f: len(f.answered) == 6, timeout=10)
    assert fake.by_sid[fake.answered[-1]]["to"] == stuck_to  # answered last, sent once
    assert fake.duplicates() == [] and len(fake.accepted) == 6
    sender.pool.shutdown(wait=True)


class _NotThere(TwilioBackend):
    """A provider that does not have the message yet when asked (its request still sits in the provider's queue)."""

    lookup_settles = True

    def __init__(self):
        pass

    def lookup(self, idempotency_key, *, to="", body=""):
        return None


def _claimed_seconds_ago(seconds: float) -> Message:
    [message] = queue_messages(1)
    [claimed] = services.claim(limit=1)
    assert claimed.pk == message.pk
    claimed.claimed_at = timezone.now() - timedelta(seconds=seconds)
    Message.objects.filter(pk=claimed.pk).update(claimed_at=claimed.claimed_at)
    return claimed


def test_a_not_there_asked_before_it_settled_is_not_trusted_when_recorded_after(settings, monkeypatch):
    """CI's fault scenario c on a slow machine sent 40 messages twice: the provider was asked before the attempt
    had settled, said "not there", and the answer was recorded after it had settled, so it was trusted. What the
    provider said is as old as the question: the attempt is held and asked again."""
    from violeta.messaging.sender import lookup_one

    settings.MESSAGING = {**settings.MESSAGING, "SETTLE_SECONDS": 30}
    claimed = _claimed_seconds_ago(29)  # settles in one second
    sender = Sender(backend=_NotThere())
    sender.outcomes.put(lookup_one(sender.backends, claimed))  # asked now: before it settled
    sender.in_flight = 1
    later = timezone.now() + timedelta(seconds=5)
    monkeypatch.setattr(services.timezone, "now", lambda: later)  # the answer recorded after it settled
    sender.record()
    claimed.refresh_from_db()
    assert claimed.status == MessageStatus.SENDING and claimed.attempt == 1  # held, not sent again
    assert claimed.lease_until <= later  # and asked again at the next sweep


def test_the_sweep_trusts_a_not_there_only_if_it_asked_after_it_settled(settings, monkeypatch):
    """The same in the sweep without threads: the moment that counts is when the provider was asked."""
    settings.MESSAGING = {**settings.MESSAGING, "SETTLE_SECONDS": 30}
    claimed = _claimed_seconds_ago(29)
    Message.objects.filter(pk=claimed.pk).update(lease_until=timezone.now())
    asked = timezone.now()
    backend = _NotThere()

    def slow_lookup(idempotency_key, *, to="", body=""):
        # the provider answers five seconds later, after the attempt settled
        monkeypatch.setattr(services.timezone, "now", lambda: asked + timedelta(seconds=5))
        return None

    backend.lookup = slow_lookup
    assert services.leases_sweep(backend) == 0
    claimed.refresh_from_db()
    assert claimed.status == MessageStatus.SENDING and claimed.attempt == 1
