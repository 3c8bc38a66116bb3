"""The audit log as a hash chain: each event carries the hash of the one before it.

``hash = sha256(canonical(event) + prev_hash)``, where ``canonical`` is a fixed JSON serialisation of the
event's own fields and its sequence number. Editing any field of a row changes its hash; deleting a row from the
middle breaks the next row's ``prev_hash`` and leaves a gap in ``seq``. Deleting the tail or truncating the whole
table leaves a chain that is internally consistent, so ``audit_verify`` also compares it with the last
checkpoint it wrote outside the database (``AUDIT_CHECKPOINT_FILE``) and with the copy of each event sent to a
file or syslog (``AUDIT_LOG_FILE`` / ``AUDIT_SYSLOG_ADDRESS``).

Writers serialise on the chain's tail: on PostgreSQL with a transaction-level advisory lock (held until the
writer's transaction ends, so two writers can never both extend the same tail), on SQLite by the IMMEDIATE
transactions the settings ask for (one writer at a time in the whole database).
"""

import functools
import hashlib
import hmac
import ipaddress
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from violeta.core import prepared

GENESIS = "0" * 64
# Any fixed 64-bit number: the key of the advisory lock every audit writer takes on PostgreSQL.
ADVISORY_LOCK_KEY = 0x56494F4C41554454  # "VIOLAUDT"
TAIL_SQL = "SELECT seq, hash FROM audit_auditevent WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "detail",
    "flagged",
    "request_id",
    "ip",
)


def _ip(value) -> str:
    # PostgreSQL's inet and SQLite's text may spell one address differently; the packed bytes are one spelling.
    return _packed(str(value)) if value else ""


@functools.lru_cache(maxsize=1024)
def _packed(address: str) -> str:
    """An address's packed bytes in hex: parsed once per process (a list's fifty lines share one address)."""
    return ipaddress.ip_address(address).packed.hex()


def _at(value) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: dict) -> bytes:
    """The event's fields as one fixed byte string (sorted keys, no spaces, UTF-8)."""
    data = {name: values.get(name) for name in HASHED_FIELDS}
    data["at"] = _at(data["at"])
    data["ip"] = _ip(data["ip"])
    for name in ("actor_label", "action", "object_type", "object_id", "detail", "request_id"):
        data[name] = str(data[name] or "")
    for name in ("seq", "actor_id", "case_id"):
        data[name] = None if data[name] is None else int(data[name])
    data["flagged"] = bool(data["flagged"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def canonical_prefix(values: dict) -> bytes:
    """``canonical(values)`` up to the event's sequence number, which sorts last (``"seq":N}``).

    For the database to chain an event itself (``audit.services``, PostgreSQL outside a transaction): it appends
    the number, ``}`` and the previous event's hash once it holds the lock, and hashes the same bytes as
    ``event_hash``.
    """
    whole = canonical({**values, "seq": 0})
    if not whole.endswith(b'"seq":0}'):
        raise RuntimeError("the sequence number no longer sorts last in the canonical form")
    return whole[: -len(b"0}")]


def event_hash(values: dict, prev_hash: str) -> str:
    return hashlib.sha256(canonical(values) + prev_hash.encode()).hexdigest()


def values_of(event) -> dict:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def lock_tail(before: tuple[str, list] | None = None) -> tuple[int, str]:
    """Take the chain's lock for the rest of the transaction and return the tail's (seq, hash).

    Must run inside a transaction: the lock (and SQLite's write lock) is what stops two writers from both
    chaining onto the same tail. ``before`` is one statement of the caller's (SQL and parameters, returning no
    rows) to run first in the same round trip: a write of the same transaction that needs no lock, so it costs
    no round trip of its own and does not lengthen the lock's hold.
    """
    from violeta.audit.models import AuditEvent

    if not connection.in_atomic_block:
        raise RuntimeError("lock_tail() must run inside a transaction")
    if prepared.applies():
        # One round trip: the lock, then the tail read in its own statement (so with a snapshot taken after the
        # lock was granted, which sees the previous writer's committed row); each prepared once per connection.
        lock, params = prepared.statement("violeta_audit_lock", LOCK_SQL, [ADVISORY_LOCK_KEY])
        tail_sql, _ = prepared.statement("violeta_audit_tail", TAIL_SQL, [])  # no parameters
        sql = f"{lock}; {tail_sql}"
        if before is not None:
            sql, params = f"{before[0]}; {sql}", [*before[1], *params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.nextset()
            if before is not None:
                cursor.nextset()
            tail = cursor.fetchone()
        return tuple(tail) if tail else (0, GENESIS)
    if before is not None:
        with connection.cursor() as cursor:
            cursor.execute(*before)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(LOCK_SQL, [ADVISORY_LOCK_KEY])
    tail = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    return tail or (0, GENESIS)


def link(events, tail: tuple[int, str]) -> tuple[int, str]:
    """Give each unsaved event its place in the chain after ``tail``; return the new tail."""
    seq, prev = tail
    for event in events:
        seq += 1
        event.seq = seq
        event.prev_hash = prev
        event.hash = event_hash(values_of(event), prev)
        prev = event.hash
    return seq, prev


# --- verification --------------------------------------------------------------------------------------------


@dataclass
class Report:
    count: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def walk(batch_size: int = 2000) -> Report:
    """Read the whole chain in ``seq`` order and report every row whose hash or link does not hold."""
    from violeta.audit.models import AuditEvent

    report = Report()
    unchained = AuditEvent.objects.filter(seq__isnull=True).count()
    if unchained:
        report.problems.append(f"{unchained} event(s) carry no place in the chain (seq is empty)")
    expected_seq, prev = 1, GENESIS
    rows = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    last_seq = 0
    while True:
        batch = list(rows.filter(seq__gt=last_seq)[:batch_size])
        if not batch:
            break
        for event in batch:
            report.count += 1
            if event.seq != expected_seq:
                report.problems.append(
                    f"events {expected_seq}..{event.seq - 1} are missing (deleted) before event {event.seq}"
                )
            elif event.prev_hash != prev:
                report.problems.append(f"event {event.seq} does not link to the event before it")
            if event_hash(values_of(event), event.prev_hash) != event.hash:
                report.problems.append(f"event {event.seq} (id {event.pk}) was changed after it was written")
            expected_seq, prev = event.seq + 1, event.hash
            last_seq = event.seq
    report.last_seq, report.last_hash = last_seq, prev
    return report


# --- checkpoints: the chain's tail, written outside the database ---------------------------------------------


def _mac(seq: int, digest: str) -> str:
    key = hashlib.sha256(b"violeta.audit.checkpoint" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{seq}:{digest}".encode(), hashlib.sha256).hexdigest()


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def last_checkpoint() -> dict | None:
    """The newest checkpoint line whose signature holds, or None when there is none yet."""
    path = checkpoint_path()
    if not path.exists():
        return None
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    if not lines:
        return None
    point = json.loads(lines[-1])
    if not hmac.compare_digest(point.get("mac", ""), _mac(point["seq"], point["hash"])):
        raise ValueError(f"the last checkpoint in {path} is not signed by this installation")
    return point


def check_against_checkpoint(report: Report, point: dict | None) -> None:
    """A chain shorter than the checkpoint, or with another event at its place, lost its tail or was rebuilt."""
    from violeta.audit.models import AuditEvent

    if point is None:
        return
    if report.last_seq < point["seq"]:
        report.problems.append(
            f"the chain ends at event {report.last_seq} but the checkpoint of {point['at']} saw event "
            f"{point['seq']}: events were deleted or the table was truncated"
        )
        return
    stored = AuditEvent.objects.filter(seq=point["seq"]).values_list("hash", flat=True).first()
    if stored != point["hash"]:
        report.problems.append(
            f"event {point['seq']} is not the one the checkpoint of {point['at']} saw: the chain was rewritten"
        )


def write_checkpoint(report: Report) -> dict:
    point = {
        "at": timezone.now().isoformat(),
        "seq": report.last_seq,
        "hash": report.last_hash,
        "count": report.count,
        "mac": _mac(report.last_seq, report.last_hash),
    }
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(json.dumps(point, sort_keys=True) + "\n")
    return point


def verify(*, write: bool = True) -> Report:
    """Walk the chain, compare it with the last checkpoint, and (when it holds) append a new checkpoint."""
    report = walk()
    try:
        point = last_checkpoint()
    except ValueError as exc:
        report.problems.append(str(exc))
        point = None
    check_against_checkpoint(report, point)
    if report.ok and write and (point is None or point["seq"] != report.last_seq):
        write_checkpoint(report)
    return report


def recent_status(recent: int = 200) -> dict:
    """A cheap look for the director's page: the newest events' links and hashes and the last checkpoint.

    The full walk is ``audit_verify``'s (cron); this reads ``recent`` rows and one more for the checkpoint.
    """
    from violeta.audit.models import AuditEvent

    report = Report()
    rows = list(AuditEvent.objects.filter(seq__isnull=False).order_by("-seq")[: recent + 1])[::-1]
    for before, event in itertools.pairwise(rows):
        if event.seq != before.seq + 1 or event.prev_hash != before.hash:
            report.problems.append(f"event {event.seq} does not link to the event before it")
    for event in rows[1:] if len(rows) > recent else rows:
        if event_hash(values_of(event), event.prev_hash) != event.hash:
            report.problems.append(f"event {event.seq} was changed after it was written")
    if rows:
        report.last_seq, report.last_hash = rows[-1].seq, rows[-1].hash
    try:
        point = last_checkpoint()
    except ValueError as exc:
        report.problems.append(str(exc))
        point = None
    check_against_checkpoint(report, point)
    return {"ok": report.ok, "problems": report.problems, "last_seq": report.last_seq, "checkpoint": point}
