"""Validation of a card at a merchant's till: what a merchant may ask and all she learns.

``merchant_account_of`` only reads. ``card_validate`` counts the attempt (and, after the look-up, a failed
one) in the shared counters (violeta.card.ratelimit, one round trip), apart from the transaction, so a refused attempt is counted
too; then it records the use and its audit record in one transaction (one round trip on PostgreSQL).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.card import numbers, ratelimit
from violeta.card.models import (
    Branch,
    Card,
    CardStatus,
    CardUse,
    MerchantAccount,
    ValidationResult,
)
from violeta.core import prepared
from violeta.core.tokens import token_hash


@dataclass(frozen=True)
class Validation:
    """All a merchant ever learns: the answer and, for a card that exists, the holder's first name."""

    result: str
    first_name: str = ""

    @property
    def label(self) -> str:
        return str(ValidationResult(self.result).label)


# Each till account's business and branch, kept ACCOUNT_TTL seconds per process: looked up once per till, not on
# every validation. Forgotten at once in the process that changes a business, a branch, an account or a user
# (signals, violeta.card.apps); the other processes see the change within ACCOUNT_TTL seconds. Whether the
# agreement is in force today is still decided on every validation, from the dates kept.
ACCOUNT_TTL = 10.0
_accounts: dict[int, tuple[float, MerchantAccount | None]] = {}


def forget_merchant_accounts(**_kwargs) -> None:
    _accounts.clear()


def _account_of(user_id: int) -> MerchantAccount | None:
    now = time.monotonic()
    kept = _accounts.get(user_id)
    if kept is not None and kept[0] > now:
        return kept[1]
    account = MerchantAccount.objects.select_related("merchant", "branch").filter(user_id=user_id).first()
    if len(_accounts) > 10_000:
        _accounts.clear()
    _accounts[user_id] = (now + ACCOUNT_TTL, account)
    return account


def merchant_account_of(user) -> MerchantAccount:
    """The business a till account belongs to; refused if it has none or the agreement is not in force."""
    if not (user.is_authenticated and user.is_active and user.role == Role.MERCHANT):
        raise PermissionDenied
    account = _account_of(user.pk)
    if account is None or not account.merchant.is_affiliated():
        raise PermissionDenied
    return account


def _rate_limit(user, ip: str | None) -> tuple[list[str], dict[str, int]]:
    """Count this attempt per account and per IP; refuse when over a limit. Returns the failure counters.

    One round trip to the counters: the attempts are added and the failures read (a delta of 0) together.
    """
    conf = settings.CARD
    attempts = [ratelimit.key(f"a:{user.pk}", 60)] + ([ratelimit.key(f"i:{ip}", 60)] if ip else [])
    failures = [ratelimit.key(f"fa:{user.pk}", 900)] + ([ratelimit.key(f"fi:{ip}", 900)] if ip else [])
    counts = ratelimit.count(dict.fromkeys(attempts, (1, 60)) | dict.fromkeys(failures, (0, 900)))
    limits = [conf["RATE_PER_MINUTE_ACCOUNT"], conf["RATE_PER_MINUTE_IP"]]
    over = any(counts[k] > limit for k, limit in zip(attempts, limits, strict=False))
    if over or max(counts[k] for k in failures) >= conf["FAILURES_PER_15_MINUTES"]:
        raise ValidationError(
            _("Too many validations in a short time. Wait a few minutes and try again."), code="card_rate"
        )
    return failures, counts


# The card look-up and the use's INSERT as written SQL: the ORM would build both on every validation. The look-up
# reads only what the answer needs: her given names, never her encrypted address (nothing is decrypted). Each is
# prepared once per connection on PostgreSQL (violeta.core.prepared): planned once, not on every validation.
CARD_SQL = (
    "SELECT c.id, c.status, c.valid_from, c.valid_until, a.given_names"
    " FROM card_card c JOIN card_cardapplication a ON a.id = c.application_id"
)
CARD_BY_NUMBER_SQL = CARD_SQL + " WHERE c.number = %s LIMIT 1"
CARD_BY_TOKEN_SQL = CARD_SQL + " WHERE (c.verify_token_hash = %s OR c.legacy_verify_token_hash = %s) LIMIT 1"
USE_SQL = (
    "INSERT INTO card_carduse (card_id, merchant_id, branch_id, by_id, at, result, method)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


def _find_card(*, number: str, token: str):
    """(id, status, valid_from, valid_until, given names) of the card shown, or None."""
    if token:
        digest = token_hash(token)
        sql, params = prepared.statement("violeta_card_by_token", CARD_BY_TOKEN_SQL, [digest, digest])
    else:
        sql, params = prepared.statement("violeta_card_by_number", CARD_BY_NUMBER_SQL, [number])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def card_validate(
    *,
    user,
    account: MerchantAccount,
    number: str = "",
    token: str = "",
    branch: Branch | None = None,
    ip=None,
) -> Validation:
    """Answer valid / not valid / expired for a card shown at a till, and record the use.

    Rate-limited per account and per IP (attempts per minute, failed look-ups per 15 minutes) so numbers
    cannot be tried in bulk. The merchant learns the answer and the holder's first name, nothing else.
    """
    failure_keys, counts = _rate_limit(user, ip)
    branch = branch or account.branch
    if branch is not None and branch.merchant_id != account.merchant_id:
        raise PermissionDenied
    card = None
    if token:
        method = "qr"
        card = _find_card(number="", token=token)
    else:
        method = "number"
        number = numbers.compact_number(number)
        if numbers.luhn_valid(number) and len(number) == 16:
            card = _find_card(number=number, token="")
    if card is None or card[1] != CardStatus.ACTIVE:
        outcome = Validation(ValidationResult.NOT_VALID)
    elif timezone.localdate() > card[3] or card[2] > timezone.localdate():
        outcome = Validation(ValidationResult.EXPIRED, _first_name(card[4]))
    else:
        outcome = Validation(ValidationResult.VALID, _first_name(card[4]))
    if card is None:
        ratelimit.bump(counts, failure_keys, 900)
    use = prepared.statement(
        "violeta_card_use",
        USE_SQL,
        [
            card[0] if card else None,
            account.merchant_id,
            branch.pk if branch else None,
            user.pk,
            CardUse._meta.get_field("at").get_db_prep_save(timezone.now(), connection),
            str(outcome.result),
            method,
        ],
    )
    if card is None:
        with connection.cursor() as cursor:
            cursor.execute(*use)
    else:
        # The use and its audit event commit together: sent with the audit chain's lock (before it: it needs no
        # lock), in one round trip on PostgreSQL when no transaction is open (violeta.audit.services).
        audit_record(
            actor=user,
            action=Action.VIEW,
            object_type=Card._meta.label_lower,
            object_id=card[0],
            detail="validación en comercio",
            before=use,
        )
    return outcome


def _first_name(given_names: str) -> str:
    return (given_names.split() or [""])[0]
