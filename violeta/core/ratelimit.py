"""Fixed-window counters shared by every process: Redis when the cache is Redis, else one database table.

Every change is atomic and one round trip: on Redis one script (``EVALSHA``) that runs ``INCRBY`` and ``EXPIRE``
per key and answers with every value in one reply;
without Redis one ``INSERT … ON CONFLICT (key) DO UPDATE SET count = count + … RETURNING`` statement on
``core.RateCounter`` (SQLite ≥ 3.35 and PostgreSQL), which touches only its own rows however many stale windows
the table holds; the periodic job ``ratelimit_prune`` deletes those. Not Django's database cache: it runs three
SELECTs, a COUNT(*) of the whole table and a write per ``set_many``, each in a transaction of its own, and slows
as the table fills. Never the per-process local-memory cache: each gunicorn worker would count apart.

A counter's key carries its window's number (``key()``), so a new window starts from zero without a reset.
"""

import functools
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from violeta.core.models import RateCounter

SLACK = 5  # seconds a counter outlives its window, for the clocks of several servers


def key(name: str, window: int, *, prefix: str = "rl") -> str:
    """The counter of ``name`` in the current window of ``window`` seconds."""
    return f"{prefix}:{name}:{int(time.time()) // window}"


def _redis():
    """The Redis cache when the default cache is Redis (settings.CACHES), else None."""
    cache = caches["default"]
    return cache if isinstance(cache, RedisCache) else None


def count(changes: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Add ``delta`` to each counter ``key: (delta, window seconds)`` at once; return every counter's new value.

    A delta of 0 reads a counter in the same round trip as the others change.
    """
    if not changes:
        return {}
    cache = _redis()
    if cache is not None:
        return _count_redis(cache, changes)
    return _count_table(changes)


# Redis runs a script atomically. One command and one reply, where a MULTI/EXEC pipeline of the same changes had
# a reply per command for redis-py to parse (ten for a card validation's four counters: issue 22).
COUNT_SCRIPT = """
local values = {}
for i, key in ipairs(KEYS) do
  values[i] = redis.call('INCRBY', key, ARGV[2 * i - 1])
  redis.call('EXPIRE', key, ARGV[2 * i])
end
return values
"""


@functools.lru_cache(maxsize=8)
def _count_script(client):
    """The script bound to one of the cache's clients: sent by its SHA1, loaded once per server when missing."""
    return client.register_script(COUNT_SCRIPT)


def _count_redis(cache, changes):
    keys = sorted(changes)
    # RedisCache has no public scripting; its client is the redis-py client it made from settings.CACHES.
    client = cache._cache.get_client(write=True)
    args = []
    for k in keys:
        delta, window = changes[k]
        args += [delta, window + SLACK]
    values = _count_script(client)(
        keys=[cache.make_and_validate_key(k) for k in keys], args=args, client=client
    )
    return {k: int(v) for k, v in zip(keys, values, strict=True)}


def _count_table(changes):
    keys = sorted(changes)  # rows locked in one order by every writer: no deadlock between two requests
    now = int(time.time())
    qn = connection.ops.quote_name
    table, k_col, n_col, e_col = (qn(n) for n in (RateCounter._meta.db_table, "key", "count", "expires_at"))
    rows = ", ".join(["(%s, %s, %s)"] * len(keys))
    params = []
    for k in keys:
        delta, window = changes[k]
        params += [k, delta, now + window + SLACK]
    # Quoted names from the model; every value a parameter.
    sql = (
        f"INSERT INTO {table} ({k_col}, {n_col}, {e_col}) VALUES {rows} "  # noqa: S608
        f"ON CONFLICT ({k_col}) DO UPDATE SET {n_col} = {table}.{n_col} + excluded.{n_col} "
        f"RETURNING {k_col}, {n_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = dict(cursor.fetchall())
    return {k: int(values[k]) for k in keys}


def read(keys: list[str]) -> dict[str, int]:
    """The current value of each counter (0 for one never counted)."""
    cache = _redis()
    if cache is not None:
        values = cache.get_many(keys)
    else:
        values = dict(RateCounter.objects.filter(key__in=keys).values_list("key", "count"))
    return {k: int(values.get(k, 0)) for k in keys}


def bump(counts: dict[str, int], keys: list[str], window: int) -> dict[str, int]:
    """Add one to each of ``keys``, atomically; return their new values (``counts`` is kept for the callers that
    read first: the values come from the store, not from it)."""
    return count(dict.fromkeys(keys, (1, window)))


def hit(name: str, window: int, *, prefix: str = "rl") -> int:
    """Add one to a single counter and return its new value."""
    k = key(name, window, prefix=prefix)
    return count({k: (1, window)})[k]


def prune() -> int:
    """Delete the counters whose window has passed (the table only: Redis expires its own). Periodic job."""
    if _redis() is not None:
        return 0
    deleted, _ = RateCounter.objects.filter(expires_at__lt=int(time.time())).delete()
    return deleted
