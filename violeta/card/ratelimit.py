"""The card program's counters: violeta.core.ratelimit under the ``card:rl`` prefix."""

from violeta.core import ratelimit
from violeta.core.ratelimit import bump, count, read

__all__ = ["bump", "count", "hit", "key", "read"]


def key(name: str, window: int) -> str:
    return ratelimit.key(name, window, prefix="card:rl")


def hit(name: str, window: int) -> int:
    return ratelimit.hit(name, window, prefix="card:rl")
