"""Configuration kept per process (violeta.core.memo): read once, read again when changed here or after its time,
never kept from inside a transaction that may roll back."""

import pytest
from django.db import transaction

from violeta.core import memo


class Reads:
    def __init__(self):
        self.count = 0
        self.value = "first"

    def __call__(self):
        self.count += 1
        return self.value


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: now[0])
    return now


def test_a_value_is_read_once_until_its_time_is_up(clock):
    reads = Reads()
    kept = memo.KeptPerProcess(reads, ttl=60)
    assert [kept(), kept(), kept()] == ["first"] * 3
    assert reads.count == 1
    reads.value = "changed elsewhere"
    clock[0] += 59
    assert kept() == "first"
    clock[0] += 2
    assert kept() == "changed elsewhere"
    assert reads.count == 2


def test_forget_reads_again_at_the_next_call(clock):
    reads = Reads()
    kept = memo.KeptPerProcess(reads, ttl=60)
    kept()
    reads.value = "changed here"
    kept.forget(sender=object, instance=None)  # as a post_save receiver
    assert kept() == "changed here"
    assert reads.count == 2


def test_a_read_forgotten_while_it_ran_is_not_kept(clock):
    kept = None
    calls = []

    def read():
        calls.append(1)
        if len(calls) == 1:
            kept.forget()  # a change saved while the first read was under way
            return "before the change"
        return "after the change"

    kept = memo.KeptPerProcess(read, ttl=60)
    assert kept() == "before the change"
    assert kept() == "after the change"
    assert kept() == "after the change"
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_value_read_inside_a_transaction_is_not_kept(clock):
    reads = Reads()
    kept = memo.KeptPerProcess(reads, ttl=60)
    with transaction.atomic():
        reads.value = "not committed yet"
        assert kept() == "not committed yet"
        transaction.set_rollback(True)
    reads.value = "committed"
    assert kept() == "committed"
    assert kept() == "committed"
    assert reads.count == 2


@pytest.mark.django_db
def test_the_tests_own_transaction_does_not_count(clock):
    """Inside a test (wrapped in a transaction by the test case) a page keeps its values as a server does."""
    reads = Reads()
    kept = memo.KeptPerProcess(reads, ttl=60)
    kept()
    kept()
    assert reads.count == 1


def test_forget_all_forgets_every_kept_value(clock):
    reads = Reads()
    kept = memo.kept_per_process(ttl=60)(reads)
    try:
        kept()
        memo.forget_all()
        kept()
        assert reads.count == 2
    finally:
        memo._ALL.remove(kept)
