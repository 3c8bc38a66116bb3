"""Reads of MIA data. Console reads go through ``access_alert``/``console_alerts``: role-checked and audited."""

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.http import Http404

from violeta.accounts.models import Role
from violeta.alerts.models import (
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertEventKind,
    AlertLocation,
    AlertMessage,
    AlertRecipient,
    AlertStatus,
    EmergencyContact,
)
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases.selectors import can_view_case
from violeta.core.tokens import token_hash
from violeta.messaging.models import Channel, Message, MessageKind, MessageStatus

CONSOLE_ROLES = frozenset({Role.ALERT_MONITOR, Role.DIRECTOR})


def _console_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in CONSOLE_ROLES)


def console_alerts(user, *, include_closed: bool = False) -> list[Alert]:
    """The alerts the console shows (active ones first, raised ones on top), with what each row needs."""
    if not _console_user(user):
        return []
    qs: QuerySet[Alert] = Alert.objects.select_related("account")
    if not include_closed:
        qs = qs.filter(status=AlertStatus.ACTIVE)
    alerts = list(
        qs.annotate(
            n_recipients=Count("recipients", distinct=True),
            n_acks=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True),
            last_location_at=Max("locations__captured_at"),
        )
        # Test alerts last: a test never hides a real alert, nor pushes one out of the 200 shown.
        .order_by("is_test", "-is_duress", F("escalated_at").asc(nulls_last=True), "-started_at")[:200]
    )
    audit_many(actor=user, action=Action.VIEW, objects=alerts, detail="consola")
    return alerts


def access_alert(user, public_id) -> Alert:
    """One alert for the console, with its timeline; 404 for anyone outside the console roles, audited."""
    alert = None
    if _console_user(user):
        alert = (
            Alert.objects.select_related("account", "case", "closed_by")
            .prefetch_related(
                Prefetch("recipients", queryset=AlertRecipient.objects.select_related("contact")),
                Prefetch("locations", queryset=AlertLocation.objects.order_by("-captured_at", "-id")),
                Prefetch(
                    "message_links",
                    queryset=AlertMessage.objects.select_related("message").order_by("message_id"),
                ),
                Prefetch("events", queryset=AlertEvent.objects.select_related("message", "by")),
            )
            .filter(public_id=public_id)
            .first()
        )
    if alert is None:
        audit_denied(actor=user, object_type="alerts.alert", object_id=str(public_id))
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=alert, case_id=alert.case_id, detail="consola")
    # The emergency is the console's; her case file is not: its folio only for who may see the case.
    alert.visible_case = alert.case if alert.case_id and can_view_case(user, alert.case_id) else None
    return alert


def live_recipient(token: str) -> AlertRecipient:
    """The contact's view of an alert, by her unguessable token; 404 once the alert has ended."""
    recipient = (
        AlertRecipient.objects.select_related("alert", "alert__account", "contact")
        .filter(token_hash=token_hash(token), alert__status=AlertStatus.ACTIVE)
        .first()
    )
    if recipient is None:
        raise Http404
    return recipient


def dispatch_by_token(token: str) -> AlertDispatch:
    """The dispatcher's view of an alert handed to 9-1-1, by the token of its hand-off; 404 once it has ended."""
    dispatch = (
        AlertDispatch.objects.select_related("alert", "alert__account")
        .filter(token_hash=token_hash(token), alert__status=AlertStatus.ACTIVE)
        .first()
    )
    if dispatch is None:
        raise Http404
    return dispatch


def invited_contact(token: str) -> EmergencyContact:
    """The contact an invitation SMS was sent to, by its token; 404 for unknown or removed ones."""
    contact = (
        EmergencyContact.objects.select_related("account")
        .filter(confirm_token_hash=token_hash(token), removed_at__isnull=True, account__is_active=True)
        .first()
    )
    if contact is None:
        raise Http404
    return contact


def latest_location(alert: Alert) -> AlertLocation | None:
    return alert.locations.order_by("-captured_at", "-id").first()


def app_alert(account, public_id) -> Alert:
    """One of her own alerts, for the app; 404 for anyone else's."""
    alert = Alert.objects.filter(account=account, public_id=public_id).first()
    if alert is None:
        raise Http404
    return alert


def alerts_with_gave_up_messages(user, *, since, limit: int = 10) -> list[dict]:
    """For the console's banner: alerts with text messages that gave up (told to the monitors since ``since``,
    or not yet), newest first, as ``{"public_id", "started_at", "n"}``: no name, so nothing to audit."""
    if not _console_user(user):
        return []
    recent = Q(message_links__message__alarm_sent_at__isnull=True) | Q(
        message_links__message__alarm_sent_at__gte=since
    )
    return list(
        Alert.objects.filter(Q(message_links__message__status="gave_up") & recent)
        .values("public_id", "started_at")
        .annotate(n=Count("message_links"))
        .order_by("-started_at")[:limit]
    )


def alert_for_link_review(user, public_id) -> Alert:
    """An alert whose link to a case was asked for, for someone who may see that case (its team); 404 for anyone
    else, audited either way."""
    alert = (
        Alert.objects.select_related("pending_case", "closed_by")
        .filter(public_id=public_id, pending_case__isnull=False)
        .first()
    )
    if alert is None or not can_view_case(user, alert.pending_case_id):
        audit_denied(actor=user, object_type="alerts.alert", object_id=str(public_id))
        raise Http404
    audit_record(
        actor=user, action=Action.VIEW, obj=alert, case_id=alert.pending_case_id, detail="revisar vinculación"
    )
    return alert


# --- What she sees of her alert's messages (the app's "who has answered") --------------------------------------

# A message's state in words she reads: sending, sent, delivered, read; failed for every way of not arriving.
MESSAGE_STATE = {
    MessageStatus.PENDING: "sending",
    MessageStatus.SENDING: "sending",
    MessageStatus.SENT: "sent",
    MessageStatus.DELIVERED: "delivered",
    MessageStatus.READ: "read",
    MessageStatus.FAILED: "failed",
    MessageStatus.UNDELIVERED: "failed",
    MessageStatus.GAVE_UP: "failed",
    MessageStatus.WITHDRAWN: "failed",
}
_STATE_RANK = ["failed", "sending", "sent", "delivered", "read"]
NOT_ARRIVED = (MessageStatus.FAILED, MessageStatus.UNDELIVERED, MessageStatus.GAVE_UP)


def alert_contact_states(alert: Alert) -> list[dict]:
    """Per contact of her alert, in her contacts' order: ``name``, ``state`` (``acknowledged`` once she answered,
    else the furthest any of her alert messages got), ``acknowledged_at`` and ``messages`` — each first message
    of the alert to her (one per channel, and the SMS sent again when a WhatsApp was not delivered: ``fallback``,
    marked by its ``AlertEvent``) with its ``channel`` and ``state``. Three queries whatever the contacts."""
    recipients = list(alert.recipients.select_related("contact").order_by("contact__invited_at", "id"))
    links = (
        AlertMessage.objects.filter(alert=alert, message__kind=MessageKind.ALERT)
        .select_related("message")
        .order_by("message_id")
    )
    fallbacks = set(
        alert.events.filter(kind=AlertEventKind.FALLBACK, message__isnull=False).values_list(
            "message_id", flat=True
        )
    )
    by_recipient: dict[int, list[dict]] = {}
    for link in links:
        by_recipient.setdefault(link.recipient_id, []).append(
            {
                "channel": link.message.channel,
                "state": MESSAGE_STATE.get(link.message.status, "sending"),
                "fallback": link.message_id in fallbacks,
            }
        )
    states = []
    for recipient in recipients:
        messages = by_recipient.get(recipient.pk, [])
        best = max((m["state"] for m in messages), key=_STATE_RANK.index, default="sending")
        states.append(
            {
                "name": recipient.contact.name,
                "state": "acknowledged" if recipient.acknowledged_at else best,
                "acknowledged_at": recipient.acknowledged_at,
                "messages": messages,
            }
        )
    return states


def contacts_failing(contacts: list[EmergencyContact]) -> set[int]:
    """The ids of the contacts whose number did not receive two or more messages (failed, undelivered, gave up)
    since she added them: the app asks her to check the number. One query (few messages fail: the status
    index)."""
    if not contacts:
        return set()
    rows = Message.objects.filter(
        status__in=NOT_ARRIVED,
        channel__in=(Channel.SMS, Channel.WHATSAPP),
        to_phone__in={c.phone for c in contacts},
        created_at__gte=min(c.invited_at for c in contacts),
    ).values_list("to_phone", "created_at")
    rows = list(rows)
    return {
        c.pk for c in contacts if sum(1 for phone, at in rows if phone == c.phone and at >= c.invited_at) >= 2
    }
