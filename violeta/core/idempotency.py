"""Safe retries of the API's creating endpoints: the ``Idempotency-Key`` request header.

A phone on a bad network cannot tell a request that never arrived from an answer that never came back, so it
sends the same request again. With the same ``Idempotency-Key`` (a UUID the client makes for that one action),
the retry gets the first answer again — same status, same body — and nothing is created twice:

- the key is scoped to who calls (the MIA account, the staff user, or nobody for sign-up) and to the endpoint;
- the same key with a different request (path or body) is refused: 422 ``idempotency_key_reused``;
- while the first request still runs, a retry gets 409 ``idempotency_key_in_progress`` with Retry-After: 1
  (the unique scope makes this hold across processes and machines);
- only a success (2xx) is kept: after an error nothing was created, the key is released and a retry runs again;
- answers are kept settings.IDEMPOTENCY_TTL_SECONDS (a day); a claim whose request died (a crash) is taken over
  after settings.IDEMPOTENCY_LOCK_SECONDS.

Without the header an endpoint works as before. MIA's alert keeps its own, domain-level key (``client_id`` in the
body, violeta.alerts.services.alerts.alert_raise), which also holds across devices and the SMS fallback.
"""

import base64
import contextlib
import functools
import inspect
import json
import os
import secrets
from datetime import timedelta
from typing import Annotated

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Status
from pydantic_core import to_jsonable_python

from violeta.core import errors
from violeta.core.models import IdempotencyRecord
from violeta.core.tokens import keyed_digest

HEADER = "Idempotency-Key"
CODES = frozenset({"idempotency_key_reused", "idempotency_key_in_progress"})
PURGE_ONE_IN = 50  # claims between two deletions of expired records (on average)

DESCRIPTION = (
    "Optional. A unique value per action (a UUID), sent again unchanged with every retry of that action: the "
    "retry gets the first answer (same status and body) and nothing is created twice. The same key with a "
    "different request answers 422 `idempotency_key_reused`; while the first is still running, 409 "
    "`idempotency_key_in_progress` with Retry-After. Answers are kept for 24 hours; only successes are kept."
)

IdempotencyKey = Annotated[
    str | None, Header(None, alias=HEADER, min_length=8, max_length=255, description=DESCRIPTION)
]


def _principal(request) -> str:
    """Who calls: the API's authenticated object (a MIA account, a staff user), else the session's user."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, models.Model):
        return f"{auth._meta.label_lower}:{auth.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"{user._meta.label_lower}:{user.pk}"
    return "anonymous"


def _canonical_body(request) -> str:
    try:
        return json.dumps(json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return request.body.hex()


def _hex(purpose: str, value: str) -> str:
    return keyed_digest(purpose, value).hex()


def _cipher(key: str, fingerprint: str) -> AESGCM:
    return AESGCM(keyed_digest("idempotency-answer", f"{key}\n{fingerprint}"))


def _seal(key: str, fingerprint: str, status: int, data) -> str:
    nonce = os.urandom(12)
    plain = json.dumps({"status": status, "data": data}, separators=(",", ":")).encode()
    return base64.b64encode(nonce + _cipher(key, fingerprint).encrypt(nonce, plain, None)).decode()


def _open(key: str, fingerprint: str, sealed: str) -> tuple[int, object] | None:
    try:
        raw = base64.b64decode(sealed)
        answer = json.loads(_cipher(key, fingerprint).decrypt(raw[:12], raw[12:], None))
    except (InvalidTag, ValueError):
        return None  # the token key changed: the answer cannot be replayed
    return answer["status"], answer["data"]


def purge_expired() -> int:
    return IdempotencyRecord.objects.filter(expires_at__lt=timezone.now()).delete()[0]


def _refuse(status: int, detail: str, code: str):
    response = errors.api_error(status, detail, code)
    if status == 409:
        response["Retry-After"] = "1"
    return response


class _Claim:
    """The outcome of presenting a key: ours to run (``record``), an answer to replay, or a refusal."""

    def __init__(self, record=None, replay=None, refusal=None):
        self.record, self.replay, self.refusal = record, replay, refusal


def _claim(*, scope: str, fingerprint: str, key: str) -> _Claim:
    now = timezone.now()
    ttl = timedelta(seconds=settings.IDEMPOTENCY_TTL_SECONDS)
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        purge_expired()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                scope=scope, fingerprint=fingerprint, created_at=now, expires_at=now + ttl
            )
        return _Claim(record=record)
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(scope=scope).first()
    in_progress = _refuse(
        409,
        _("The same request is still being processed. Try again in a moment."),
        "idempotency_key_in_progress",
    )
    if record is None:  # released between our insert and our read: the first request failed just now
        return _Claim(refusal=in_progress)
    abandoned = record.status is None and record.created_at <= now - timedelta(
        seconds=settings.IDEMPOTENCY_LOCK_SECONDS
    )
    if record.expires_at <= now or abandoned:
        # Take the key over, unless another retry did so first (the row changed under us).
        taken = IdempotencyRecord.objects.filter(
            pk=record.pk, created_at=record.created_at, status=record.status
        ).update(fingerprint=fingerprint, status=None, response="", created_at=now, expires_at=now + ttl)
        if not taken:
            return _Claim(refusal=in_progress)
        record.refresh_from_db()
        return _Claim(record=record)
    if record.fingerprint != fingerprint:
        return _Claim(
            refusal=_refuse(
                422,
                _("This Idempotency-Key was already used for a different request. Use a new key."),
                "idempotency_key_reused",
            )
        )
    if record.status is None:
        return _Claim(refusal=in_progress)
    answer = _open(key, fingerprint, record.response)
    if answer is None:
        return _Claim(refusal=in_progress)
    return _Claim(replay=Status(*answer))


def _release(record) -> None:
    """The request failed: nothing was created, so a retry with the same key runs again."""
    with contextlib.suppress(DatabaseError):  # the database is down: the claim lapses after the lock time
        IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True).delete()


def idempotent(view):
    """Makes a creating ninja endpoint honour the ``Idempotency-Key`` header (and documents it in the OpenAPI).

    Put it under the router's decorator; declare ``409`` and ``422`` in the endpoint's responses.
    """
    endpoint = f"{view.__module__}.{view.__qualname__}"
    signature = inspect.signature(view)
    parameter = inspect.Parameter(
        "idempotency_key", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=IdempotencyKey
    )

    @functools.wraps(view)
    def wrapper(request, *args, idempotency_key=None, **kwargs):
        if not idempotency_key:
            return view(request, *args, **kwargs)
        who = _principal(request)
        scope = _hex("idempotency-scope", f"{who}\n{endpoint}\n{idempotency_key}")
        fingerprint = _hex(
            "idempotency-request", f"{request.method} {request.path}\n{_canonical_body(request)}"
        )
        claim = _claim(scope=scope, fingerprint=fingerprint, key=idempotency_key)
        if claim.refusal is not None:
            return claim.refusal
        if claim.replay is not None:
            return claim.replay
        try:
            result = view(request, *args, **kwargs)
        except BaseException:
            _release(claim.record)
            raise
        status, value = (result.status_code, result.value) if isinstance(result, Status) else (200, result)
        if 200 <= status < 300:
            data = to_jsonable_python(value)
            IdempotencyRecord.objects.filter(pk=claim.record.pk).update(
                status=status, response=_seal(idempotency_key, fingerprint, status, data)
            )
        else:
            _release(claim.record)
        return result

    wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), parameter])
    return wrapper
