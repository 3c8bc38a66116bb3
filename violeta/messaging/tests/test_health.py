"""Issue 13, finding 6: the probes tell the truth. ``/healthz`` says the process answers; ``/readyz`` (and the old
``/api/v1/health``) go 503, naming the failing check, when the database is unreachable, the sender has not
beaten for ``HEARTBEAT_MAX_AGE_SECONDS`` or a due message has waited longer than ``DUE_MAX_AGE_SECONDS``.

The database outage is simulated as in violeta/tests/test_api_errors.py: every new cursor fails as with the
server unreachable.
"""

import json
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.utils import timezone

from violeta.api import ERROR_CODES
from violeta.messaging.models import Message, MessageKind, MessageStatus, SenderHeartbeat

pytestmark = pytest.mark.django_db

PROBES = ("/readyz", "/api/v1/health")


@contextmanager
def database_down():
    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@pytest.fixture
def raw_client():
    return Client(raise_request_exception=False)


def beat(seconds_ago: float = 0, *, name: str = "host:1", stopped: bool = False) -> SenderHeartbeat:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    return SenderHeartbeat.objects.create(name=name, beat_at=at, stopped_at=at if stopped else None)


def due_message(seconds_ago: float = 0, *, status=MessageStatus.PENDING, phone="+526144900789") -> Message:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    return Message.objects.create(
        kind=MessageKind.ALERT, to_phone=phone, body="Ana necesita ayuda", status=status, next_attempt_at=at
    )


def probe(client, path):
    response = client.get(path)
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
    return response


@pytest.mark.parametrize("path", PROBES)
def test_ready_when_the_sender_beats_and_nothing_waits(client, path):
    beat(2)
    due_message(1)

    response = probe(client, path)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["sender"]["ok"] is True
    assert body["checks"]["sender"]["running"] == 1
    assert body["checks"]["outbox"]["due"] == 1


@pytest.mark.parametrize("path", PROBES)
def test_not_ready_when_the_sender_has_not_beaten_for_30_seconds(client, path):
    beat(31)

    response = probe(client, path)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["sender"]
    assert body["code"] == "not_ready"
    assert ERROR_CODES["not_ready"][0] == 503  # documented in docs/api.md, as every code of the API
    assert body["detail"] == "Violeta responde, pero los mensajes de texto no están saliendo en este momento."
    assert body["checks"]["sender"]["heartbeat_age_seconds"] >= 31
    assert body["checks"]["sender"]["running"] == 0


def test_not_ready_when_no_sender_ever_beat(client):
    body = probe(client, "/readyz").json()
    assert body["failing"] == ["sender"]
    assert body["checks"]["sender"]["heartbeat_age_seconds"] is None


def test_a_cleanly_stopped_sender_counts_until_its_last_beat_is_old(client):
    """A restart (stop, then start) is not an outage; a sender stopped for good is, once its beat is old."""
    beat(1, stopped=True)
    assert probe(client, "/readyz").status_code == 200

    SenderHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=31))
    assert probe(client, "/readyz").json()["failing"] == ["sender"]


def test_the_freshest_sender_counts(client):
    beat(600, name="old:1")
    beat(1, name="new:2")
    assert probe(client, "/readyz").status_code == 200


@pytest.mark.parametrize("status", [MessageStatus.PENDING, MessageStatus.FAILED])
def test_not_ready_when_a_due_message_waited_longer_than_30_seconds(client, status):
    beat(0)
    due_message(31, status=status)
    due_message(2, status=status)

    response = probe(client, "/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["outbox"]
    assert body["checks"]["outbox"]["due"] == 2
    assert body["checks"]["outbox"]["oldest_due_age_seconds"] >= 31


def test_a_retry_not_due_yet_is_not_waiting(client):
    """A failed message waiting for its backoff is not late: only a due one (its next attempt reached) is."""
    beat(0)
    message = due_message(0, status=MessageStatus.FAILED)
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=5),
        next_attempt_at=timezone.now() + timedelta(minutes=1),
    )
    body = probe(client, "/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["outbox"]["due"] == 0


def test_the_limits_come_from_the_settings(client, settings):
    settings.MESSAGING = {**settings.MESSAGING, "HEARTBEAT_MAX_AGE_SECONDS": 5, "DUE_MAX_AGE_SECONDS": 5}
    beat(6)
    due_message(6)
    assert probe(client, "/readyz").json()["failing"] == ["sender", "outbox"]


def test_gave_up_and_expired_leases_are_counted_not_failed(client):
    beat(0)
    due_message(0, status=MessageStatus.GAVE_UP)
    leased = due_message(0, status=MessageStatus.SENDING)
    Message.objects.filter(pk=leased.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    response = probe(client, "/readyz")

    assert response.status_code == 200
    outbox = response.json()["checks"]["outbox"]
    assert outbox["gave_up_unalarmed"] == 1
    assert outbox["leases_expired"] == 1


@pytest.mark.parametrize("path", PROBES)
def test_not_ready_with_the_database_down(raw_client, path):
    beat(0)
    with database_down():
        response = raw_client.get(path)

    assert response.status_code == 503, response.content
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"] == {"database": {"ok": False}}
    assert body["code"] == "database_unavailable"
    assert response["Retry-After"] == str(django_settings.DATABASE_RETRY_AFTER_SECONDS)
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_answers_without_the_database(raw_client):
    with database_down():
        response = raw_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_reads_nothing_from_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


def test_readyz_is_a_few_queries(client, django_assert_max_num_queries):
    beat(0)
    for _i in range(20):
        due_message(40)
    with django_assert_max_num_queries(2):
        client.get("/readyz")


def test_the_probes_are_public_and_reveal_no_personal_data(client):
    beat(45)
    due_message(40, phone="+526144900789")
    for path in ("/healthz", *PROBES):
        response = client.get(path)
        assert response.status_code in (200, 503)  # not a redirect to the sign-in page
        text = json.dumps(response.json())
        for personal in ("+526144900789", "4900789", "Ana", "host:1"):
            assert personal not in text


def test_probes_answer_head_and_refuse_posts(client):
    assert client.head("/readyz").status_code == 503  # no sender in this test
    assert client.head("/healthz").status_code == 200
    assert client.post("/readyz").status_code == 405
