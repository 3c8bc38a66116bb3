"""What one validation at the till costs the database: a fixed, small number of statements, nothing decrypted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from violeta.audit import chain
from violeta.audit.models import AuditEvent
from violeta.card.models import CardUse
from violeta.card.tests import factories
from violeta.core import crypto

API = "/api/v1/card/validate"


@pytest.fixture(autouse=True)
def _database_sessions_and_counters(settings):
    """Statements are counted with sessions and counters in the database (with REDIS_URL set they leave it)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def card(card_office):
    return factories.issued_card(card_office)


def statements(client, body):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(API, body, content_type="application/json")
    sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    return response, sql


def test_a_validation_is_five_round_trips_and_writes_no_session(client, till, card):
    """Session, the counters (one upsert), the card with her first name, the use with the audit chain's lock and
    tail (one round trip on PostgreSQL), the audit event (the till account and its user are kept, see below and
    test_till_user.py). No counter read apart, no session write, no statement built by the ORM for the card or
    the use."""
    client.force_login(till)
    client.post(API, {"number": card.number}, content_type="application/json")  # the session's first write
    response, sql = statements(client, {"number": card.number})
    assert response.json()["result"] == "valid"
    assert len(sql) == (5 if connection.vendor == "postgresql" else 6), "\n".join(sql)
    if connection.vendor == "postgresql":
        # Each fixed statement prepared on the connection by the first validation, then executed by name: the use,
        # the audit chain's lock and the event in one round trip (violeta.core.prepared).
        assert not [s for s in sql if s.startswith("PREPARE")], sql
        [together] = [s for s in sql if "violeta_audit_lock" in s]
        names = [part.split("(")[0] for part in together.split("; ")]
        # In a transaction (a test's): the tail read with the lock, the event after it (below, one more trip).
        assert names == [
            "EXECUTE violeta_card_use",
            "EXECUTE violeta_audit_lock",
            "EXECUTE violeta_audit_tail",
        ]
        assert [s.split("(")[0] for s in sql if s.startswith("EXECUTE violeta_card_by")] == [
            "EXECUTE violeta_card_by_number"
        ]
    assert not [s for s in sql if '"card_card"' in s or '"card_carduse"' in s], (
        sql
    )  # written SQL, not the ORM's
    assert not [s for s in sql if s.startswith("UPDATE")], sql
    assert CardUse.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="card.card", action="view").count() == 2
    report = chain.walk()  # the events inserted by written SQL hash and link as the model's would
    assert report.ok and report.count == AuditEvent.objects.count() > 0, report.problems


def test_an_unknown_number_costs_one_statement_more_and_no_audit(client, till, card):
    client.force_login(till)
    client.post(API, {"number": card.number}, content_type="application/json")
    response, sql = statements(client, {"number": "4539578763621486"})
    assert response.json()["result"] == "not_valid"
    assert len(sql) == 5, "\n".join(sql)  # no audit tail nor event, the failure counters bumped


def test_a_validation_decrypts_nothing_of_hers(client, till, card, monkeypatch):
    """The merchant learns her first name only: her encrypted address is not even read from the database."""
    client.force_login(till)
    decrypted = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda *a, **k: decrypted.append(1) or real(*a, **k))
    response = client.post(API, {"number": card.number}, content_type="application/json")
    assert response.json() == {"result": "valid", "first_name": "María"}
    assert decrypted == []


def test_the_till_account_is_looked_up_once_and_a_suspension_applies_at_once(client, till, card, shop):
    client.force_login(till)
    client.post(API, {"number": card.number}, content_type="application/json")
    _response, second = statements(client, {"number": card.number})
    assert not [s for s in second if "card_merchantaccount" in s]
    business = shop[0]
    business.status = "suspended"
    business.save()
    assert client.post(API, {"number": card.number}, content_type="application/json").status_code == 403
