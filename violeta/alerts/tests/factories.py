"""Helpers for MIA tests: accounts built directly (no OTP round trip), and running the background tasks.

Other test modules import these: ``mia_account()`` for an account with hashed PINs and contacts,
``mia_alert()`` for an active alert, ``run_tasks()`` to run every due task as the worker would and send every due
message as the sender would (with its sweeps: expired leases, escalation), ``make_due()`` to bring what waits
(retries, expired leases, delivery checks, escalation deadlines) forward to now.
"""

import itertools
import os
import re
import secrets
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from violeta.alerts.models import Alert, EmergencyContact, MiaAccount
from violeta.core.tokens import token_hash
from violeta.messaging.backends.file import FileBackend
from violeta.messaging.models import Message, MessageStatus
from violeta.messaging.sender import deliver_due
from violeta.testing.tasks import run_due_tasks

_serial = itertools.count(1)


def unique_phone() -> str:
    """A valid Chihuahua number in E.164, different on each call (+52 614 500 0001, …).

    Tests write their own numbers as 614 490 …, outside this range, so the two never meet.
    """
    return f"+526145{next(_serial) % 10**6:06d}"


def mia_account(
    *,
    phone: str | None = None,
    display_name: str = "Ana",
    pin: str = "1234",
    duress_pin: str = "9999",
    contacts: int = 2,
    **fields,
) -> MiaAccount:
    """A signed-up account with its PINs hashed and ``contacts`` emergency contacts (no invitation SMS)."""
    account = MiaAccount.objects.create(
        phone=phone or unique_phone(),
        display_name=display_name,
        pin_hash=make_password(pin),
        duress_pin_hash=make_password(duress_pin) if duress_pin else "",
        **fields,
    )
    for number in range(contacts):
        emergency_contact(account, name=f"Contacto {number + 1}")
    return account


def emergency_contact(
    account: MiaAccount, *, name: str = "Contacto", phone: str | None = None
) -> EmergencyContact:
    token = secrets.token_urlsafe(16)
    contact = EmergencyContact.objects.create(
        account=account, name=name, phone=phone or unique_phone(), confirm_token_hash=token_hash(token)
    )
    contact.confirm_token = token  # as contact_add gives it out: only its hash is stored
    return contact


def token_in(body: str, kind: str = "a") -> str:
    """The token of the first Violeta link of ``kind`` ("a": live page, "c": invitation) in an SMS body."""
    return re.search(rf"/{kind}/([A-Za-z0-9_-]+)/", body).group(1)


def live_token(recipient) -> str:
    """A contact's live-page token, from her alert SMS (the database keeps only its hash)."""
    from violeta.alerts.services.alerts import recipient_link

    return token_in(recipient_link(recipient))


def mia_alert(account: MiaAccount | None = None, *, client_id: str | None = None) -> Alert:
    """An active alert raised as the app raises it (its SMS queued, not sent), by default for a new account."""
    from violeta.alerts.services.alerts import alert_raise

    alert, _created = alert_raise(
        account=account or mia_account(), client_id=client_id or f"press-{secrets.token_hex(8)}"
    )
    return alert


def run_tasks() -> int:
    """Run every task that is due, as the worker does (``manage.py db_worker``, or ``rqworker`` when the tasks
    are on RQ: ``violeta.testing.tasks``), and send every due message as the sender does
    (``violeta.messaging.sender``, one synchronous round at a time, with its sweeps and periodic jobs: expired
    leases, escalation). Returns how many messages were handed to the provider.
    """
    run_due_tasks()
    return deliver_due()


def make_due() -> None:
    """Bring forward to now what waits: failed messages' retries, leases, delivery checks, escalation deadlines,
    as when that time has passed."""
    now = timezone.now() - timedelta(seconds=1)
    Message.objects.filter(status=MessageStatus.FAILED, next_attempt_at__gt=now).update(next_attempt_at=now)
    Message.objects.filter(status=MessageStatus.SENDING).update(lease_until=now)
    late = now - timedelta(seconds=settings.MESSAGING["DELIVERY_TIMEOUT_SECONDS"])
    Message.objects.filter(status=MessageStatus.SENT, sent_at__gt=late).update(sent_at=late)
    Alert.objects.filter(status="active", escalated_at__isnull=True, escalate_at__gt=now).update(
        escalate_at=now
    )


def queued(kind: str | None = None):
    """Messages waiting in the outbox (pending), optionally of one kind."""
    messages = Message.objects.filter(status=MessageStatus.PENDING)
    return messages.filter(kind=kind) if kind else messages


class PausingFileBackend(FileBackend):
    """The file backend, pausing mid-send so a test can kill the worker there (``kill -9``).

    ``MIA_TEST_SMS_PAUSE`` says where: ``before`` handing the message over (nothing written yet) or ``after``
    (written, not yet recorded as sent). The backend writes the idempotency key to ``MIA_TEST_SMS_MARKER`` when
    it starts pausing, so the test knows when to kill.
    """

    def send(self, to, body, idempotency_key):
        where = os.environ.get("MIA_TEST_SMS_PAUSE", "")
        if where == "before":
            self._pause(idempotency_key)
        result = super().send(to, body, idempotency_key)
        if where == "after":
            self._pause(idempotency_key)
        return result

    @staticmethod
    def _pause(idempotency_key: str) -> None:
        # Written whole or not at all (a reader polling for the file once saw it empty, before the text).
        marker = Path(os.environ["MIA_TEST_SMS_MARKER"])
        # One temporary file per thread: the sender sends in parallel, and a shared one was moved away under
        # another thread (FileNotFoundError, a failed send the restarted sender then waited a backoff out).
        partial = marker.with_name(f"{marker.name}.{threading.get_ident()}.partial")
        partial.write_text(idempotency_key)
        os.replace(partial, marker)
        time.sleep(120)
