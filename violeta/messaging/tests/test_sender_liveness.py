"""Issue 13, "done when": ``/readyz`` goes red within 30 s of stopping the sender, and the monitors' e-mail is
sent. The real sender (``Sender().run()``, as ``manage.py messaging_sender`` runs it) beats in a thread with
short timings; it is stopped, and the probe and the console's poll are watched until they say so, within a bound
(polling, no timed assertion)."""

import threading
import time

import pytest
from django.db import connections
from django.urls import reverse

from violeta.accounts.models import Role
from violeta.conftest import make_user
from violeta.messaging.models import SenderHeartbeat
from violeta.messaging.sender import Sender
from violeta.testing.browser import database_turn

# The bound: red within 30 s of the sender stopping (here the heartbeat's limit is 1 s).
WITHIN_SECONDS = 30


def eventually(predicate, *, within: float = WITHIN_SECONDS, every: float = 0.1):
    """Poll ``predicate`` until it returns something true, for at most ``within`` seconds; return that."""
    deadline = time.monotonic() + within
    while True:
        with database_turn():
            result = predicate()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)


@pytest.fixture
def turns(monkeypatch):
    """On SQLite the test database is one shared in-memory database, whose table locks do not wait: the sender's
    thread and the test's own requests take turns (``database_turn``; a no-op on PostgreSQL)."""
    for name in ("record", "housekeeping", "claim", "_sleep_seconds", "_drain"):
        method = getattr(Sender, name)

        def in_turn(self, *args, _method=method, **kwargs):
            with database_turn():
                return _method(self, *args, **kwargs)

        monkeypatch.setattr(Sender, name, in_turn)


def run_in_thread(sender: Sender) -> threading.Thread:
    def run():
        try:
            sender.run()
        finally:
            connections.close_all()  # this thread's own connection to the test database

    thread = threading.Thread(target=run, name="sender", daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_readyz_goes_red_and_the_monitors_are_emailed_when_the_real_sender_stops(
    client, settings, mailoutbox, turns
):
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"
    settings.MESSAGING = {
        **settings.MESSAGING,
        "HEARTBEAT_SECONDS": 0.2,
        "HEARTBEAT_MAX_AGE_SECONDS": 1,
        "POLL_SECONDS": 0.05,
        "ALARM_CHECK_SECONDS": 0.5,
    }
    monitor = make_user("monitoreo@imm.test", Role.ALERT_MONITOR, name="Mónica Monitoreo")
    monitor.is_on_duty = True
    monitor.save(update_fields=["is_on_duty"])

    sender = Sender(concurrency=2)
    thread = run_in_thread(sender)
    try:
        ready = eventually(lambda: client.get("/readyz").status_code == 200)
        assert ready, "/readyz never said ready while the sender ran"
        with database_turn():
            client.force_login(monitor)
            console = client.get(reverse("alerts:console_list")).content.decode()
        assert 'data-testid="outbox-alarm"' not in console
        assert mailoutbox == []
    finally:
        sender.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert SenderHeartbeat.objects.get(name=sender.name).stopped_at is not None

    def red():
        response = client.get("/readyz")
        return response.status_code == 503 and "sender" in response.json()["failing"] and response

    response = eventually(red)
    assert response, "/readyz did not go red after the sender stopped"
    assert response.json()["checks"]["sender"]["running"] == 0

    # The console's poll (the web process, not the sender) shows it and e-mails the monitors on duty, once.
    def told():
        html = client.get(reverse("alerts:console_list")).content.decode()
        return 'data-testid="outbox-alarm"' in html and len(mailoutbox) >= 1

    assert eventually(told)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [monitor.email]
    assert mailoutbox[0].subject == "Violeta: el envío de mensajes necesita atención"
