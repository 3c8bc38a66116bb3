"""The Redis cache (REDIS_URL): one redis-py client per connection pool, reused by every operation (issue 22).

Django's own builds a client per operation (each copying redis-py's table of response callbacks), paid on every
session read and rate-limit count of every request."""

import threading

import pytest
from django.core.cache import caches

from violeta.core import ratelimit
from violeta.core.tests.test_ratelimit import REDIS_TEST_URL, _require_redis


@pytest.fixture
def redis_cache(settings):
    _require_redis()
    settings.CACHES = {"default": {"BACKEND": "violeta.core.cache.RedisCache", "LOCATION": REDIS_TEST_URL}}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_every_operation_reuses_the_same_client(redis_cache):
    first = redis_cache._cache.get_client(write=True)
    redis_cache.set("k", "v", 30)
    assert redis_cache.get("k") == "v"
    assert redis_cache._cache.get_client(write=True) is first
    assert redis_cache._cache.get_client(write=False) is redis_cache._cache.get_client(write=False)


@pytest.mark.django_db
def test_the_shared_client_counts_right_from_many_threads(redis_cache):
    key = ratelimit.key("threads", 60)
    errors = []

    def hit():
        try:
            for _ in range(50):
                ratelimit.count({key: (1, 60)})
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ratelimit.read([key]) == {key: 400}
