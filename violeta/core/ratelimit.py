"""Fixed-window counters in the shared cache (Redis, or the database table; see settings.CACHES).

One ``get_many`` reads every counter a request needs and one ``set_many`` writes those it bumps, so the cost
is a handful of queries on the database cache. Two requests at the same instant may both read the same value
and count one hit instead of two; for a limit meant to stop bulk guessing or bulk sending, that slack does not
matter. Never the per-process local-memory cache in production: each worker would count apart.
"""

import time

from django.core.cache import cache


def key(name: str, window: int, *, prefix: str = "rl") -> str:
    """The counter of ``name`` in the current window of ``window`` seconds."""
    return f"{prefix}:{name}:{int(time.time()) // window}"


def read(keys: list[str]) -> dict[str, int]:
    values = cache.get_many(keys)
    return {k: int(values.get(k, 0)) for k in keys}


def bump(counts: dict[str, int], keys: list[str], window: int) -> dict[str, int]:
    """Add one to each of ``keys`` (current values in ``counts``), write them, return the new values."""
    new = {k: counts.get(k, 0) + 1 for k in keys}
    cache.set_many(new, timeout=window + 5)
    return new


def hit(name: str, window: int, *, prefix: str = "rl") -> int:
    """Add one to a single counter and return its new value."""
    k = key(name, window, prefix=prefix)
    return bump(read([k]), [k], window)[k]
