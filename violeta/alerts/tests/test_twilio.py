"""The Twilio backend's own behaviour, with its HTTP requests replaced (no network in tests)."""

import threading

import pytest

from violeta.alerts.sms import SendResult, SmsError
from violeta.alerts.sms.twilio import TwilioBackend


class FakeTwilio(TwilioBackend):
    """Answers as Twilio does; a number ending in 0 is refused. ``barrier`` makes each send wait for others."""

    def __init__(self, barrier=None):
        self.barrier = barrier
        self.threads = set()
        self.posted = []

    def _request(self, method, url, data=None):
        self.threads.add(threading.get_ident())
        self.posted.append(data)
        if self.barrier is not None:
            self.barrier.wait()  # raises BrokenBarrierError if the others never come (sent one by one)
        if data["To"].endswith("0"):
            raise SmsError("twilio http 400")
        return {"sid": "SM" + data["To"][-4:], "status": "queued"}


@pytest.fixture(autouse=True)
def _twilio(settings):
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_FROM = "+15005550006"
    settings.TWILIO_CONCURRENCY = 8


def test_a_batch_is_sent_several_at_once_each_with_its_own_result():
    numbers = [f"+52614490{n:04d}" for n in (1, 2, 3, 4, 10)]
    backend = FakeTwilio(barrier=threading.Barrier(len(numbers), timeout=10))

    results = backend.send_many([(to, "MIA ALERTA", f"key-{to}") for to in numbers])

    assert len(backend.threads) == len(numbers)  # all five waited on the network together
    assert results[:4] == [
        SendResult(provider_message_id="SM" + to[-4:], status="queued") for to in numbers[:4]
    ]
    assert isinstance(results[4], SmsError)  # the refused one fails on its own, in its place
    assert sorted(data["To"] for data in backend.posted) == sorted(numbers)


def test_concurrency_is_bounded_by_the_setting(settings):
    settings.TWILIO_CONCURRENCY = 2
    numbers = [f"+52614490{n:04d}" for n in range(1, 7)]
    backend = FakeTwilio(barrier=threading.Barrier(2, timeout=10))

    results = backend.send_many([(to, "MIA ALERTA", f"key-{to}") for to in numbers])

    assert all(isinstance(result, SendResult) for result in results)
    assert len(backend.threads) <= 2


def test_a_single_message_is_sent_in_the_calling_thread():
    backend = FakeTwilio()
    results = backend.send_many([("+526144900001", "MIA ALERTA", "key")])
    assert results == [SendResult(provider_message_id="SM0001", status="queued")]
    assert backend.threads == {threading.get_ident()}
