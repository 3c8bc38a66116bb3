import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext

from violeta.audit.models import Action, AppendOnlyError, AuditEvent
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.core import context
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(lawyer):
    return audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=7, case_id=7)


def stored(event) -> tuple:
    return AuditEvent.objects.filter(pk=event.pk).values_list("action", "detail", "flagged").get()


# --- the ORM refuses ----------------------------------------------------------------------------------------


def test_saving_an_existing_event_is_refused(event):
    event.detail = "reescrito"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert stored(event) == ("view", "", False)


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="reescrito")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(flagged=True)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert stored(event) == ("view", "", False)


def test_bulk_update_and_update_or_create_are_refused(event):
    event.detail = "reescrito"
    # Both run in their own atomic block, which the refusal breaks: give each a savepoint.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["detail"])
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"detail": "reescrito"})
    assert stored(event) == ("view", "", False)


def test_an_account_in_the_log_cannot_be_deleted(event, lawyer):
    with pytest.raises(ProtectedError):
        lawyer.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor == lawyer


# --- the database refuses ------------------------------------------------------------------------------------


def test_raw_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'reescrito' WHERE id = %s", [event.pk])
    assert "append-only" in str(exc.value)
    assert stored(event) == ("view", "", False)


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="SQLite keeps DELETE for the test runner's flush")
def test_raw_delete_is_refused_by_postgresql(event):
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert "append-only" in str(exc.value)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="the trigger is PostgreSQL's")
def test_raw_update_of_every_row_is_refused_by_postgresql(event, lawyer):
    audit_record(actor=lawyer, action=Action.EXPORT, detail="informe")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = NULL")
    assert AuditEvent.objects.filter(actor=lawyer).count() == 2


# --- writing -------------------------------------------------------------------------------------------------


def test_audit_record_carries_the_request_context(lawyer):
    token = context.bind(context.RequestContext(request_id="req-123", ip="10.0.0.8"))
    try:
        event = audit_record(
            actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=1, detail="x" * 300
        )
    finally:
        context.reset(token)
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.request_id == "req-123"
    assert event.ip == "10.0.0.8"
    assert event.actor_label == lawyer.email
    assert len(event.detail) == 255
    assert event.at is not None


def test_audit_record_names_an_object_by_type_and_id(lawyer):
    person = PersonFactory()
    event = audit_record(actor=lawyer, action=Action.VIEW, obj=person, case_id=3)
    assert (event.object_type, event.object_id, event.case_id) == ("people.person", str(person.pk), 3)
    assert person.given_names not in str(event)


def test_anonymous_actor_is_recorded_by_label_only():
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(actor=AnonymousUser(), action=Action.LOGIN_FAILED, actor_label="alguien@correo.test")
    assert event.actor is None
    assert event.actor_label == "alguien@correo.test"


def test_audit_denied_is_flagged(lawyer):
    audit_denied(actor=lawyer, object_type="cases.case", object_id="IMM-2026-000001", case_id=9)
    event = AuditEvent.objects.get()
    assert (event.action, event.flagged, event.case_id) == (Action.ACCESS_DENIED, True, 9)


def test_audit_many_writes_one_event_per_object_in_one_insert(lawyer):
    """One INSERT for the whole list, after the chain's lock and tail (so the count does not grow with it)."""
    people = PersonFactory.create_batch(3)
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as one:
        audit_many(actor=lawyer, action=Action.VIEW, objects=people[:1], detail="uno")
    with CaptureQueriesContext(connection) as three:
        audit_many(actor=lawyer, action=Action.VIEW, objects=people, detail="búsqueda", case_of=lambda p: 5)
    assert len(three.captured_queries) == len(one.captured_queries) <= 3
    assert [q["sql"].split()[0] for q in three.captured_queries].count("INSERT") == 1
    assert AuditEvent.objects.count() == before + 4
    rows = AuditEvent.objects.filter(detail="búsqueda")
    assert {r.object_id for r in rows} == {str(p.pk) for p in people}
    assert {r.case_id for r in rows} == {5}


def test_for_case_lists_newest_first(lawyer):
    first = audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=4, case_id=4)
    second = audit_record(
        actor=lawyer, action=Action.UPDATE, object_type="cases.case", object_id=4, case_id=4
    )
    audit_record(actor=lawyer, action=Action.VIEW, object_type="cases.case", object_id=5, case_id=5)
    assert list(AuditEvent.objects.for_case(4)) == [second, first]
