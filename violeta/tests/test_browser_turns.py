"""Browser turns (violeta/testing/browser.py): two test runs sharing VIOLETA_BROWSER_LOCK never drive two
Chromiums at once — a browser test waits while another run's holds the lock, and the wait is counted."""

import fcntl
import subprocess
import sys
import time

import pytest

from violeta.testing.browser import _Turns, browser_turn

HOLDER = """
import fcntl, sys, time
with open(sys.argv[1], "a") as handle:
    fcntl.flock(handle, fcntl.LOCK_EX)
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    released = time.time()
    fcntl.flock(handle, fcntl.LOCK_UN)
print(released, flush=True)
"""


def _hold(path, seconds):
    """Another run's browser test: a process holding the lock for ``seconds``; returns once it holds it."""
    holder = subprocess.Popen(  # noqa: S603 (this interpreter and the script above)
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_browser_test_waits_for_the_other_runs_to_end(tmp_path, monkeypatch):
    monkeypatch.setattr(_Turns, "waits", 0)
    monkeypatch.setattr(_Turns, "waited", 0.0)
    lock = tmp_path / "browser.lock"
    holder = _hold(lock, 0.5)
    with browser_turn(str(lock)):
        entered = time.time()
    released = float(holder.stdout.readline())
    holder.wait(timeout=10)
    assert entered >= released
    assert _Turns.waits == 1
    assert _Turns.waited > 0


def test_a_free_lock_is_taken_at_once_and_released_after_the_test(tmp_path, monkeypatch):
    monkeypatch.setattr(_Turns, "waits", 0)
    lock = tmp_path / "browser.lock"
    with browser_turn(str(lock)):
        pass
    assert _Turns.waits == 0
    assert _free(lock)


def _free(lock) -> bool:
    """Whether another open file (as another run's) gets the lock without waiting."""
    with open(lock, "a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


def test_the_lock_is_held_during_the_test(tmp_path):
    lock = tmp_path / "browser.lock"
    with browser_turn(str(lock)):
        assert not _free(lock)


def test_the_lock_is_released_when_the_test_fails(tmp_path):
    lock = tmp_path / "browser.lock"
    with pytest.raises(RuntimeError), browser_turn(str(lock)):
        raise RuntimeError("a failing browser test")
    assert _free(lock)
