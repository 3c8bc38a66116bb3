"""The shared rate-limit counters: atomic, one round trip, on Redis and on the database table alike."""

import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from violeta.core import ratelimit
from violeta.core.models import RateCounter

# A database of the tests' own: only it is ever flushed. Two suites run side by side (.ci/run) each name their own.
REDIS_TEST_URL = os.environ.get("VIOLETA_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
# No Redis: the counter uses its table.
NO_REDIS = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _require_redis():
    """Skip when no Redis answers, unless VIOLETA_REQUIRE_REDIS is set (CI: then its absence fails the test)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("VIOLETA_REQUIRE_REDIS"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 (set VIOLETA_REQUIRE_REDIS=1 to fail instead)")


@pytest.fixture(params=["table", "redis"])
def store(request, settings, db):
    """Each test once on the database counter and once on a real Redis (``REDIS_TEST_URL``, flushed before and after)."""
    if request.param == "redis":
        _require_redis()
        settings.CACHES = {
            "default": {"BACKEND": "violeta.core.cache.RedisCache", "LOCATION": REDIS_TEST_URL}
        }
        from django.core.cache import cache

        cache.clear()
        yield "redis"
        cache.clear()
    else:
        settings.CACHES = NO_REDIS
        yield "table"


def test_hits_count_up_per_window_and_name(store):
    assert [ratelimit.hit("a", 60) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit("a", 900) == 1  # another window, another counter
    assert ratelimit.hit("b", 60, prefix="other") == 1
    assert ratelimit.read([ratelimit.key("a", 60), ratelimit.key("zzz", 60)]) == {
        ratelimit.key("a", 60): 3,
        ratelimit.key("zzz", 60): 0,
    }


def test_count_adds_and_reads_in_one_call(store):
    a, f = ratelimit.key("a", 60), ratelimit.key("f", 900)
    assert ratelimit.count({a: (1, 60), f: (0, 900)}) == {a: 1, f: 0}
    assert ratelimit.bump({}, [f], 900) == {f: 1}
    assert ratelimit.count({a: (1, 60), f: (0, 900)}) == {a: 2, f: 1}


@pytest.mark.parametrize("store", ["redis"], indirect=True)
def test_redis_counter_expires_with_its_window(store):
    from django.core.cache import cache

    k = ratelimit.key("a", 60)
    ratelimit.hit("a", 60)
    ttl = cache._cache.get_client().ttl(cache.make_and_validate_key(k))
    assert 60 <= ttl <= 60 + ratelimit.SLACK


@pytest.mark.parametrize("store", ["redis"], indirect=True)
def test_on_redis_a_count_is_one_command_and_one_reply(store, monkeypatch):
    """Every counter of a validation changed in one script: one command and one reply for redis-py to parse,
    not a MULTI, an INCRBY and an EXPIRE per counter and an EXEC (ten replies for a till's four counters)."""
    from redis.connection import Connection

    changes = {ratelimit.key(name, 60): (1, 60) for name in ("a", "i", "fa", "fi")}
    ratelimit.count(changes)  # the script is loaded once per server
    replies = []
    read_response = Connection.read_response

    def counted(self, *args, **kwargs):
        reply = read_response(self, *args, **kwargs)
        replies.append(reply)
        return reply

    monkeypatch.setattr(Connection, "read_response", counted)
    assert ratelimit.count(changes) == dict.fromkeys(changes, 2)
    assert len(replies) == 1, replies


def test_a_hit_is_one_statement_however_full_the_table(db, settings):
    """Django's database cache counted the whole table on every write; the counter touches its own row only."""
    settings.CACHES = NO_REDIS
    stale = int(time.time()) - 3600
    RateCounter.objects.bulk_create(
        [RateCounter(key=f"rl:old:{i}:1", count=1, expires_at=stale) for i in range(100_000)], batch_size=5000
    )
    ratelimit.hit("a", 60)
    with CaptureQueriesContext(connection) as queries:
        assert ratelimit.hit("a", 60) == 2
    statements = [q["sql"].upper() for q in queries.captured_queries]
    assert len(statements) == 1, statements
    assert "COUNT(" not in statements[0]


def test_prune_deletes_only_windows_that_have_passed(db, settings):
    settings.CACHES = NO_REDIS
    RateCounter.objects.create(key="rl:old:1", count=4, expires_at=int(time.time()) - 1)
    ratelimit.hit("a", 60)
    assert ratelimit.prune() == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == [ratelimit.key("a", 60)]
