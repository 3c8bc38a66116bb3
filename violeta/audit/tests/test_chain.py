"""The audit log is a hash chain, and `audit_verify` finds an edited, a deleted or a truncated event.

The tampering is done the way an attacker with the owner's rights would: raw SQL that bypasses the model, with
the triggers dropped (SQLite) or disabled (PostgreSQL, as the owner).
"""

import hashlib
import itertools
import json
import logging
import logging.config
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from violeta.audit import chain
from violeta.audit.models import Action, AuditEvent
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.core import context
from violeta.people.tests.factories import PersonFactory
from violeta.settings import audit_log_handlers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    return tmp_path / "checkpoints.jsonl"


@pytest.fixture
def events(lawyer):
    """Every event so far (creating people writes some), ending with three single ones and a segment of two."""
    people = PersonFactory.create_batch(2)
    audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=1, case_id=1)
    audit_denied(actor=lawyer, object_type="cases.case", object_id="IMM-2026-000002", case_id=2)
    audit_many(actor=lawyer, action=Action.VIEW, objects=people, detail="búsqueda")
    audit_record(actor=lawyer, action=Action.EXPORT, object_type="cases.case", object_id=3, detail="informe")
    return list(AuditEvent.objects.order_by("seq"))


def verify() -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue()


@contextmanager
def bypassing_triggers():
    """A cursor with the append-only triggers out of the way, as the table's owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            yield cursor
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            yield cursor


# --- writing the chain ---------------------------------------------------------------------------------------


def test_each_event_carries_the_hash_of_the_one_before(events):
    assert len(events) >= 5
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == chain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    for event in events:
        expected = hashlib.sha256(chain.canonical(chain.values_of(event)) + event.prev_hash.encode())
        assert event.hash == expected.hexdigest()
    assert len({e.hash for e in events}) == len(events)


def test_the_hash_covers_every_field_and_the_link(events):
    event = events[2]
    values = chain.values_of(event)
    for name, other in [
        ("action", "export"),
        ("object_id", "999"),
        ("case_id", 77),
        ("detail", "otra cosa"),
        ("flagged", not event.flagged),
        ("actor_label", "alguien@imm.test"),
        ("ip", "10.9.9.9"),
        ("seq", 99),
    ]:
        assert chain.event_hash({**values, name: other}, event.prev_hash) != event.hash, name
    assert chain.event_hash(values, "f" * 64) != event.hash


def test_the_hash_survives_the_round_trip_through_the_database(lawyer):
    token = context.bind(context.RequestContext(request_id="req-1", ip="2001:DB8:0:0::1"))
    try:
        written = audit_record(actor=lawyer, action=Action.VIEW, object_type="people.person", object_id=5)
    finally:
        context.reset(token)
    stored = AuditEvent.objects.get(pk=written.pk)
    assert chain.event_hash(chain.values_of(stored), stored.prev_hash) == stored.hash == written.hash


def test_audit_many_writes_one_linked_segment(lawyer):
    people = PersonFactory.create_batch(3)
    first = audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=1)
    audit_many(actor=lawyer, action=Action.VIEW, objects=people, detail="lista")
    segment = list(AuditEvent.objects.filter(detail="lista").order_by("seq"))
    assert [e.seq for e in segment] == [first.seq + 1, first.seq + 2, first.seq + 3]
    assert segment[0].prev_hash == first.hash
    assert verify()[0]


# --- audit_verify --------------------------------------------------------------------------------------------


def test_an_intact_chain_verifies_and_leaves_a_signed_checkpoint(events, checkpoint_file):
    ok, output = verify()
    assert ok, output
    assert f"{len(events)} events" in output
    point = json.loads(checkpoint_file.read_text().splitlines()[-1])
    assert (point["seq"], point["hash"]) == (len(events), events[-1].hash)
    assert verify()[0]


def test_an_edited_event_is_found(events):
    with bypassing_triggers() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'nada' WHERE seq = 3")
    ok, output = verify()
    assert not ok
    assert "event 3" in output
    assert "changed" in output


def test_an_edited_event_whose_hash_was_recomputed_breaks_the_next_link(events):
    event = next(e for e in events if e.flagged)  # the refused access: unflag it and recompute its hash
    forged = chain.event_hash({**chain.values_of(event), "flagged": False}, event.prev_hash)
    with bypassing_triggers() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET flagged = %s, hash = %s WHERE id = %s", [False, forged, event.pk]
        )
    ok, output = verify()
    assert not ok
    assert f"event {event.seq + 1} does not link" in output
    assert f"event {event.seq} " not in output  # its own hash holds: only the link after it gives it away


def test_a_deleted_event_in_the_middle_is_found(events):
    with bypassing_triggers() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 3")
    ok, output = verify()
    assert not ok
    assert "3..3 are missing" in output


def test_a_deleted_first_event_is_found(events):
    with bypassing_triggers() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 1")
    ok, output = verify()
    assert not ok
    assert "1..1 are missing" in output


def test_a_deleted_tail_is_found_by_the_checkpoint(events, lawyer):
    assert verify()[0]
    last = len(events)
    with bypassing_triggers() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [last - 1])
    ok, output = verify()
    assert not ok
    assert f"ends at event {last - 2}" in output
    # Writing new events over the gap does not hide it: the checkpointed event is another one now.
    audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=8)
    audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=9)
    ok, output = verify()
    assert not ok
    assert f"event {last} is not the one the checkpoint" in output


def test_a_truncated_log_is_found_by_the_checkpoint(events, lawyer):
    assert verify()[0]
    with bypassing_triggers() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditevent")
        else:
            cursor.execute("DELETE FROM audit_auditevent")
    assert not AuditEvent.objects.exists()
    ok, output = verify()
    assert not ok
    assert "truncated" in output


def test_a_forged_checkpoint_is_refused(events, checkpoint_file):
    assert verify()[0]
    point = json.loads(checkpoint_file.read_text().splitlines()[-1])
    point["seq"] = 2
    with checkpoint_file.open("a") as out:
        out.write(json.dumps(point) + "\n")
    ok, output = verify()
    assert not ok
    assert "not signed" in output


def test_audit_verify_fails_as_a_command_when_the_chain_is_broken(events, checkpoint_file):
    with bypassing_triggers() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 2")
    # CommandError is what makes manage.py exit with status 1 (cron and monitoring see the failure).
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())
    assert not checkpoint_file.exists()  # a broken chain is never checkpointed


# --- the copy outside the database ---------------------------------------------------------------------------


def test_each_event_is_copied_as_a_json_line_to_the_audit_file(
    lawyer, tmp_path, django_capture_on_commit_callbacks
):
    log_file = tmp_path / "audit.log"
    handlers = audit_log_handlers(str(log_file), "")
    logging.config.dictConfig(
        {
            **settings.LOGGING,
            "handlers": {**settings.LOGGING["handlers"], **handlers},
            "loggers": {
                **settings.LOGGING["loggers"],
                "violeta.audit": {"handlers": list(handlers), "level": "INFO", "propagate": False},
            },
        }
    )
    people = PersonFactory.create_batch(2)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = audit_record(actor=lawyer, action=Action.EXPORT, obj=lawyer, detail="informe")
            audit_many(actor=lawyer, action=Action.VIEW, objects=people)
    finally:
        logging.getLogger("violeta.audit").handlers[0].close()
        logging.config.dictConfig(settings.LOGGING)
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert len(lines) == 3
    assert lines[0]["seq"] == event.seq
    assert lines[0]["hash"] == event.hash
    assert (lines[0]["action"], lines[0]["detail"], lines[0]["actor_id"]) == ("export", "informe", lawyer.pk)
    assert lines[1]["prev_hash"] == lines[0]["hash"]
    assert lines[2]["prev_hash"] == lines[1]["hash"]


def test_the_syslog_address_is_a_host_and_port_or_a_socket_path():
    assert audit_log_handlers("", "logs.imm.example.mx:514")["audit_syslog"]["address"] == [
        "logs.imm.example.mx",
        514,
    ]
    assert audit_log_handlers("", "/dev/log")["audit_syslog"]["address"] == "/dev/log"
    assert audit_log_handlers("", "") == {}


# --- the director's page -------------------------------------------------------------------------------------


def test_the_director_sees_whether_the_chain_holds(client, director, events):
    client.force_login(director)
    page = client.get(reverse("audit:flagged")).content.decode()
    assert 'data-chain="ok"' in page
    with bypassing_triggers() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'nada' WHERE seq = %s", [len(events) - 1])
    page = client.get(reverse("audit:flagged")).content.decode()
    assert 'data-chain="altered"' in page
    assert "1 problema" in page
