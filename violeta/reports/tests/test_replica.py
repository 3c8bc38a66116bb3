"""The statistics' reads on a read replica (violeta/core/db_router.py): the indicators read from the alias
``replica`` when ``DATABASE_REPLICA_URL`` is set, never a write goes there, reads in a transaction or after a
write of the same request stay on ``default``, and the dashboard says how far behind the replica is.

The tests that need the alias run in .ci/run's replica step (PostgreSQL, ``DATABASE_REPLICA_URL`` = the same
database; in tests the alias mirrors ``default``); they need committed rows, the replica being another
connection, so they are transactional."""

import datetime
import re
from unittest import mock

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from violeta.accounts.models import User
from violeta.core import db_router
from violeta.core.db_router import REPLICA, ReplicaRouter, replica_reads, replica_status
from violeta.reports.indicators import INDICATORS, Filters

URL = "/estadisticas/"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE|SELECT .* FOR UPDATE)", re.I | re.S)
# The aliases a test that reads statistics may use: the replica's too when it is configured.
ALIASES = ["default", REPLICA] if REPLICA in settings.DATABASES else ["default"]
needs_replica = pytest.mark.skipif(
    REPLICA not in settings.DATABASES, reason="needs DATABASE_REPLICA_URL (.ci/run's replica step)"
)


def writes(queries) -> list[str]:
    return [query["sql"] for query in queries if WRITE.match(query["sql"])]


def test_a_write_never_goes_to_the_replica_nor_a_migration():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(User) == "default"
    assert router.allow_migrate(REPLICA, "cases") is False
    assert router.allow_migrate("default", "cases") is True


def test_without_a_replica_the_statistics_read_from_default():
    router = ReplicaRouter()
    db_router._request_started()  # what a new request does (without closing the test's connection)
    with mock.patch.object(db_router, "replica_configured", return_value=False), replica_reads():
        assert router.db_for_read(User) == "default"


@pytest.mark.django_db
def test_inside_a_transaction_or_after_a_write_of_the_request_reads_stay_on_default():
    router = ReplicaRouter()
    with mock.patch.object(db_router, "replica_configured", return_value=True):
        db_router._request_started()  # what a new request does (without closing the test's connection)
        with replica_reads():
            assert router.db_for_read(User) == REPLICA  # the test case's own atomic block does not count
            with transaction.atomic():
                assert router.db_for_read(User) == "default"
        assert router.db_for_read(User) == "default"  # outside the block nothing is sent there
        User.objects.filter(pk=0).update(full_name="x")  # a write of this request
        with replica_reads():
            assert router.db_for_read(User) == "default"
        db_router._request_started()  # what a new request does (without closing the test's connection)  # the next request has written nothing
        with replica_reads():
            assert router.db_for_read(User) == REPLICA


@pytest.mark.django_db(databases=ALIASES)
def test_the_dashboard_says_how_far_behind_the_replica_is(client, director):
    client.force_login(director)
    assert "data-replica" not in client.get(URL).content.decode() or REPLICA in settings.DATABASES
    behind = db_router.ReplicaStatus(configured=True, standby=True, lag_seconds=2.5)
    with mock.patch("violeta.reports.views.replica_status", return_value=behind):
        page = client.get(URL).content.decode()
    assert "Estas cifras se leen de la réplica de lectura, con 2.5 s de retraso" in page


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_dashboard_reads_its_figures_on_the_replica_and_writes_only_on_default(client, director, lawyer):
    from violeta.cases.tests.factories import record_consultation
    from violeta.reports.tests.test_base import case_opened

    case = case_opened(datetime.datetime.now(datetime.UTC), team=[lawyer])
    client.force_login(director)
    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connections["default"]) as main,
    ):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(replica.captured_queries) >= len(INDICATORS)  # every indicator read there
    assert writes(replica.captured_queries) == []
    assert writes(main.captured_queries)  # the audit record and the session: on default
    # The alias is the primary itself here, as in a small deployment: it says so, in Spanish.
    assert "no es una réplica en espera" in response.content.decode()
    assert replica_status() == db_router.ReplicaStatus(configured=True, standby=False, lag_seconds=0.0)

    # A write service while the replica is configured: every statement on default, none on the replica.
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        consultation = record_consultation(case, lawyer)
        # The day she was attended, in the institute's time (it began an hour ago: yesterday, just after midnight).
        day = timezone.localtime(consultation.started_at).date()
        table = INDICATORS["consultations"](Filters(start=day, end=day))
    assert writes(replica.captured_queries) == []
    assert table.rows  # the indicator's reads saw the committed consultation, on the replica
