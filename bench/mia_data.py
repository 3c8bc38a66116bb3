"""Data for bench/mia_alerts.py, run inside Django: accounts with contacts and device tokens; first-SMS figures."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "violeta.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

import secrets  # noqa: E402

from django.contrib.auth.hashers import make_password  # noqa: E402

from violeta.alerts.models import Alert, EmergencyContact, MiaAccount, MiaDevice  # noqa: E402
from violeta.core.tokens import token_hash  # noqa: E402
from violeta.messaging.models import Message, MessageKind  # noqa: E402


def accounts(n: int, contacts: int, channels: list[str] | None = None, first: int = 0) -> list[str]:
    """``channels``: each contact's channel in turn (sms, whatsapp, both); SMS when not given. ``first``: the
    number of the first account (its phone and its contacts' phones follow from it), to add more later."""
    pin = make_password("1234")
    tokens = []
    for i in range(first, first + n):
        account = MiaAccount.objects.create(
            phone=f"+52614{1000000 + i:07d}", display_name=f"Usuaria {i}", pin_hash=pin
        )
        for j in range(contacts):
            EmergencyContact.objects.create(
                account=account,
                name=f"Contacto {j}",
                phone=f"+52614{5000000 + i * 10 + j:07d}",
                confirm_token_hash=token_hash(secrets.token_urlsafe(16)),
                channel=channels[j % len(channels)] if channels else "sms",
            )
        raw = secrets.token_urlsafe(32)
        MiaDevice.objects.create(account=account, token_hash=token_hash(raw))
        tokens.append(raw)
    return tokens


def first_sms(since: str) -> str:
    """Acceptance to first SMS for the alerts raised since ``since`` (ISO 8601): the run, not the warm-up."""
    from bench.harness import percentile, summary

    started = dict(Alert.objects.filter(started_at__gte=since).values_list("id", "started_at"))
    firsts: dict[int, float] = {}
    pending = 0
    messages = Message.objects.filter(kind=MessageKind.ALERT, alert_link__alert_id__in=list(started))
    for alert_id, sent_at in messages.values_list("alert_link__alert_id", "sent_at"):
        if sent_at is None:
            pending += 1
            continue
        delay = (sent_at - started[alert_id]).total_seconds() * 1000
        firsts[alert_id] = min(delay, firsts.get(alert_id, delay))
    values = list(firsts.values())
    line = summary("acceptance → first SMS handed over", values) if values else "no SMS sent"
    within = sum(1 for v in values if v <= 1000) / len(values) * 100 if values else 0
    escalated = Alert.objects.filter(pk__in=list(started), escalated_at__isnull=False).count()
    return (
        f"{line}\n{'within 1 s':<34} {within:.1f}% (p99 {percentile(values, 99) / 1000:.2f} s); {pending} still pending"
        f"\n{'escalated (nobody acknowledged)':<34} {escalated} of {len(started)} alerts by the end of the drain"
    )


def by_channel(since: str, fallback_seconds: float) -> str:
    """Acceptance to the first message handed to each provider, per channel; and each SMS fallback's delay past
    its deadline (a WhatsApp message never reported delivered) or past the failure that triggered it."""
    from bench.harness import summary

    started = dict(Alert.objects.filter(started_at__gte=since).values_list("id", "started_at"))
    lines = []
    messages = Message.objects.filter(kind=MessageKind.ALERT, alert_link__alert_id__in=list(started))
    for channel in ("sms", "whatsapp"):
        firsts: dict[int, float] = {}
        rows = messages.filter(channel=channel, fallback_of__isnull=True, sent_at__isnull=False)
        for alert_id, sent_at in rows.values_list("alert_link__alert_id", "sent_at"):
            delay = (sent_at - started[alert_id]).total_seconds() * 1000
            firsts[alert_id] = min(delay, firsts.get(alert_id, delay))
        values = list(firsts.values())
        label = f"acceptance → first {channel} handed over"
        lines.append(summary(label, values) if values else f"{label}: none")
    late, after_failure, unsent = [], [], 0
    fallbacks = messages.filter(fallback_of__isnull=False).values_list(
        "sent_at", "alert_link__alert_id", "fallback_of__status", "fallback_of__sent_at"
    )
    for sent_at, alert_id, status, original_sent in fallbacks:
        if sent_at is None:
            unsent += 1
        elif status == "sent":  # accepted, never reported delivered: its deadline passed
            deadline = started[alert_id].timestamp() + fallback_seconds
            late.append((sent_at.timestamp() - deadline) * 1000)
        elif original_sent is not None:  # reported failed (then withdrawn from its retries)
            after_failure.append((sent_at - original_sent).total_seconds() * 1000)
    lines.append(
        summary("fallback SMS past its deadline", late) if late else "fallback SMS past its deadline: none"
    )
    if after_failure:
        lines.append(summary("fallback SMS after a failed WhatsApp (from its send)", after_failure))
    lines.append(f"{'fallback SMS not sent yet':<34} {unsent}")
    return "\n".join(lines)


def raise_alerts(n: int) -> int:
    """An alert for each of the first ``n`` accounts, through the service (its messages queued in the outbox,
    none sent: bench/senders.py starts the senders on that backlog). Returns how many messages were queued."""
    from violeta.alerts.services.alerts import alert_raise

    before = Message.objects.count()
    for account in MiaAccount.objects.order_by("pk")[:n]:
        alert_raise(account=account, client_id=secrets.token_hex(8))
    return Message.objects.count() - before


if __name__ == "__main__":
    if sys.argv[1] == "raise":
        print(raise_alerts(int(sys.argv[2])))
    elif sys.argv[1] == "first-sms":
        print(first_sms(sys.argv[2]))
    elif sys.argv[1] == "by-channel":
        print(by_channel(sys.argv[2], float(sys.argv[3])))
    else:
        channels = sys.argv[3].split(",") if len(sys.argv) > 3 else None
        print(json.dumps(accounts(int(sys.argv[1]), int(sys.argv[2]), channels)))
