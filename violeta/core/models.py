from django.db import models


class IdempotencyRecord(models.Model):
    """One use of an ``Idempotency-Key`` on a creating API endpoint (violeta/core/idempotency.py): first the
    claim while the request runs (``status`` empty), then its answer, replayed to a retry until ``expires_at``.

    Nothing here reads as who sent what: the scope and the fingerprint are keyed HMACs, and the answer (which can
    hold a device token or a contact's name) is encrypted with a key derived from the client's own
    Idempotency-Key, which is never stored, so a copy of the database opens none of them.
    """

    scope = models.CharField(max_length=64, unique=True)  # HMAC of who, which endpoint and the key
    fingerprint = models.CharField(max_length=64)  # HMAC of the request: path and canonical body
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.TextField(blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.scope[:8]} {self.status or 'en curso'}"


class RateCounter(models.Model):
    """One fixed-window counter of violeta.core.ratelimit when no Redis is configured.

    ``key`` names the counter and its window (``card:rl:a:7:29412345``), so a new window is a new row and a row
    is never reset; ``expires_at`` (Unix seconds) is when the periodic job may delete it. Counting is one
    ``INSERT … ON CONFLICT (key) DO UPDATE … RETURNING`` statement that touches only its own rows, so a table
    full of stale windows costs nothing until they are pruned.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.BigIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self):
        return f"{self.key}={self.count}"
