"""Writes of MIA alerts: raising one, its locations, cancelling it, contacts acknowledging it, staff closing it.

Messages are queued in the outbox (violeta.messaging) inside the transaction of the write they announce, so an
alert and the messages that announce it commit together: nothing is lost between "accepted" and "queued". The
sender process sends them; escalation to the console is in ``escalation``.

One transaction each: ``alert_locate``, ``alert_acknowledge``, ``sms_inbound``, ``alert_close`` (with its audit
record). ``alert_cancel`` is one transaction too, but a wrong PIN raises its error after that transaction
commits, so the failure is counted. The duress PIN escalates inside that transaction (``escalation``).

``alert_raise`` (the hot path) opens no transaction itself, sparing the round trips of BEGIN and COMMIT: on
PostgreSQL its writes are one statement (data-modifying CTEs) that is its own transaction under Django's
autocommit; when that statement cannot decide (no contacts, or more than it has slots for), or on another
database, they are ``_alert_raise``, one transaction. Either way the alert, its recipients and their messages
commit together or not at all. A press that loses the race on the unique (account, client_id) constraint is
caught after its transaction rolled back, and the winner's alert is read and returned. ``recipient_link`` only
reads.
"""

import re
import uuid
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.alerts.models import (
    Alert,
    AlertLocation,
    AlertMessage,
    AlertRecipient,
    AlertStatus,
    EmergencyContact,
    MiaAccount,
)
from violeta.alerts.services.accounts import pin_verdict
from violeta.alerts.services.common import (
    channels_of,
    conf,
    contact_queue,
    fallback_after,
    page_link,
    sms_queue,
    test_mark,
    whatsapp_body,
)
from violeta.alerts.services.escalation import escalate
from violeta.audit.models import Action
from violeta.audit.services import audit_record
from violeta.cases.models import EventKind
from violeta.cases.services import case_event_record
from violeta.core.tokens import new_token, token_hash
from violeta.core.validators import parse_phone
from violeta.messaging.models import Channel, Message, MessageKind, MessageStatus
from violeta.messaging.services import CHANNEL, messages_queue
from violeta.messaging.text import fit
from violeta.notifications.services import notify


def _coordinates(lat, lon, accuracy) -> tuple[float, float, float]:
    try:
        lat, lon, accuracy = float(lat), float(lon), float(accuracy)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("The location is not valid."), code="location") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not (0 <= accuracy <= 100_000) or lat != lat:
        raise ValidationError(_("The location is not valid."), code="location")
    return lat, lon, accuracy


def recipient_link(recipient: AlertRecipient) -> str | None:
    """The link of a contact's live page, as her alert SMS gave it.

    Only the token's hash is stored; the token itself is in that SMS, which the outbox keeps encrypted. The
    location SMS repeats the link from there (checked against the hash). None when it is no longer there.
    """
    prefix = page_link("alerts:live", "TOKEN").split("TOKEN")[0]
    pattern = re.compile(re.escape(prefix) + r"([A-Za-z0-9_-]+)/")
    messages = Message.objects.filter(alert_link__recipient=recipient, kind=MessageKind.ALERT).order_by("id")
    for message in messages:
        found = pattern.search(message.body or "")
        if found and token_hash(found.group(1)) == recipient.token_hash:
            return page_link("alerts:live", found.group(1))
    return None


def _captured_at(value: datetime | None, alert: Alert) -> datetime:
    """When the phone took the fix: now when absent; a zone-less time is UTC; a phone clock a little fast is
    now. A fix from before the alert (beyond the skew) or from the future beyond it is refused: a backdated or
    forward-dated position would show her somewhere she is not, in the console and on the live page."""
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    skew = timedelta(seconds=conf("LOCATION_CLOCK_SKEW_SECONDS"))
    if value < alert.started_at - skew or value > now + skew:
        raise ValidationError(_("The time of the location is not valid."), code="location")
    return min(value, now)


def alert_raise(*, account: MiaAccount, client_id: str, test: bool = False) -> tuple[Alert, bool]:
    """She pressed the button. The first SMS to every contact is queued now, without waiting for a location.

    ``test``: a test alert she sends to check that her network receives it; every message says "PRUEBA".

    ``client_id`` comes from the app: the same press retried (bad network) returns the same alert, also when
    the two arrive at the same instant (the unique constraint decides, and the loser returns the winner's).
    Returns (alert, created).
    """
    client_id = (client_id or "").strip()[:64]
    if len(client_id) < 8:
        raise ValidationError({"client_id": _("Missing alert identifier.")})
    try:
        if connection.vendor == "postgresql":
            raised = _alert_raise_postgresql(account=account, client_id=client_id, test=test)
            if raised is not None:
                return raised
        return _alert_raise(account=account, client_id=client_id, test=test)
    except IntegrityError:
        return Alert.objects.get(client_id=client_id, account=account), False


# The same writes as ``_alert_raise`` in one PostgreSQL statement (one round trip, no ORM): the alert, one
# recipient, one outbox message and its link per channel of each active contact (SMS, WhatsApp or both; a
# WhatsApp-only contact's message with its SMS fallback deadline), and the NOTIFY that wakes the sender on commit.
# Data-modifying CTEs run as one statement, so all of it commits together or not at all. The alert is inserted
# only if she has between 1 and ``slots`` contacts (a token and a body were made for each slot) and not for a
# press already recorded (ON CONFLICT on the (account, client_id) constraint).
ALERT_RAISE_SQL = """
WITH c AS (
    SELECT id, phone, channel, row_number() OVER (ORDER BY invited_at, id) AS n
    FROM alerts_emergencycontact WHERE account_id = %(account)s AND removed_at IS NULL
), a AS (
    INSERT INTO alerts_alert (public_id, client_id, account_id, status, is_duress, is_test, started_at,
                              escalation_reason, outcome, outcome_note, escalate_at)
    SELECT %(public_id)s, %(client_id)s, %(account)s, %(status)s, false, %(test)s, %(now)s, '', '', '',
           %(escalate_at)s
    WHERE (SELECT count(*) FROM c) BETWEEN 1 AND %(slots)s
    ON CONFLICT ON CONSTRAINT alert_unique_client_id DO NOTHING
    RETURNING id
), r AS (
    INSERT INTO alerts_alertrecipient (alert_id, contact_id, token_hash, acknowledged_via)
    SELECT a.id, c.id, (%(tokens)s::text[])[c.n], '' FROM a CROSS JOIN c
    RETURNING id, contact_id
), m AS (
    INSERT INTO messaging_message (kind, channel, to_phone, body, status, attempt, next_attempt_at,
                                   provider_message_id, provider_status, last_error, created_at, fallback_due_at)
    SELECT %(kind)s, ch.channel, c.phone,
           CASE WHEN ch.channel = 'whatsapp' THEN (%(wbodies)s::text[])[c.n] ELSE (%(bodies)s::text[])[c.n] END,
           %(pending)s, 0, %(now)s, '', '', '', %(now)s,
           CASE WHEN ch.channel = 'whatsapp' AND c.channel = 'whatsapp' THEN %(fallback_at)s::timestamptz END
    FROM a CROSS JOIN c CROSS JOIN LATERAL unnest(CASE
        WHEN NOT %(whatsapp)s OR c.channel = 'sms' THEN ARRAY['sms']
        WHEN c.channel = 'both' THEN ARRAY['sms', 'whatsapp'] ELSE ARRAY['whatsapp'] END) AS ch(channel)
    RETURNING id, to_phone
), l AS (
    INSERT INTO alerts_alertmessage (message_id, alert_id, recipient_id)
    SELECT m.id, a.id, r.id FROM a CROSS JOIN m JOIN c ON c.phone = m.to_phone JOIN r ON r.contact_id = c.id
)
SELECT (SELECT id FROM a), (SELECT count(*) FROM c), (SELECT count(*) FROM (SELECT pg_notify(%(channel)s, '') FROM a) n)
"""


def _escalate_at(started: datetime, *, test: bool = False) -> datetime | None:
    """A test alert has no deadline: the sweep never raises it, nobody at the institute is e-mailed."""
    return None if test else started + timedelta(seconds=conf("ESCALATE_AFTER_SECONDS"))


_TOKEN_MARK = "~" * 22  # as long as secrets.token_urlsafe(16); "~" is dropped from names by to_gsm7


def _alert_texts(name: str, tokens: list[str], *, test: bool = False) -> list[str]:
    """The alert SMS for each recipient token: fitted once (the tokens have one length), then filled in."""
    template = test_mark(_("MIA ALERT: {name} needs help. Live location: {link}"), test=test)
    text = fit(template, name=name, link=page_link("alerts:live", _TOKEN_MARK))
    if any(len(token) != len(_TOKEN_MARK) for token in tokens) or text.count(_TOKEN_MARK) != 1:
        return [fit(template, name=name, link=page_link("alerts:live", token)) for token in tokens]
    return [text.replace(_TOKEN_MARK, token) for token in tokens]


def _whatsapp_bodies(name: str, tokens: list[str], texts: list[str], *, test: bool) -> list[str]:
    """The alert's WhatsApp message for each recipient token: her chosen name and her link, nothing else."""
    link = page_link("alerts:live", _TOKEN_MARK)
    return [
        whatsapp_body(kind="alert", test=test, text=text, params=[name, link.replace(_TOKEN_MARK, token)])
        for token, text in zip(tokens, texts, strict=True)
    ]


def _alert_raise_postgresql(
    *, account: MiaAccount, client_id: str, test: bool = False
) -> tuple[Alert, bool] | None:
    """The hot path on PostgreSQL (benchmarked in bench/mia_alerts.py): ``_alert_raise`` in one statement.

    Returns None when the ORM path must decide: no contacts, or more contacts than slots.
    """
    now = timezone.now()
    slots = max(conf("MAX_CONTACTS"), 5)
    tokens = [new_token(16) for _slot in range(slots)]
    body = Message._meta.get_field("body")
    texts = _alert_texts(account.display_name, tokens, test=test)
    bodies = [body.get_prep_value(text) for text in texts]
    whatsapp = conf("WHATSAPP_ENABLED")
    wbodies = []
    if whatsapp:
        wbodies = [
            body.get_prep_value(text)
            for text in _whatsapp_bodies(account.display_name, tokens, texts, test=test)
        ]
    public_id = uuid.uuid4()
    params = {
        "account": account.pk,
        "public_id": public_id,
        "client_id": client_id,
        "test": test,
        "status": AlertStatus.ACTIVE.value,
        "now": now,
        "escalate_at": _escalate_at(now, test=test),
        "slots": slots,
        "tokens": [token_hash(token) for token in tokens],
        "bodies": bodies,
        "wbodies": wbodies,
        "whatsapp": whatsapp,
        "fallback_at": now + timedelta(seconds=conf("WHATSAPP_FALLBACK_SECONDS")),
        "kind": MessageKind.ALERT.value,
        "pending": MessageStatus.PENDING.value,
        "channel": CHANNEL,
    }
    with connection.cursor() as cursor:
        cursor.execute(ALERT_RAISE_SQL, params)
        alert_id, contacts, _notified = cursor.fetchone()
    if alert_id is None:
        if 1 <= contacts <= slots:  # the same press again
            return Alert.objects.get(client_id=client_id, account=account), False
        return None
    alert = Alert(
        pk=alert_id,
        public_id=public_id,
        client_id=client_id,
        account=account,
        status=AlertStatus.ACTIVE,
        is_test=test,
        started_at=now,
        escalate_at=params["escalate_at"],
    )
    alert._state.adding = False
    alert._state.db = connection.alias
    return alert, True


@transaction.atomic
def _alert_raise(*, account: MiaAccount, client_id: str, test: bool = False) -> tuple[Alert, bool]:
    """The hot path (benchmarked in bench/mia_alerts.py): a fixed number of statements whatever the contacts.

    One SELECT (her contacts) and four INSERTs: the alert, its recipients, its messages and their links. The
    same press again is caught by the unique constraint on (account, client_id), not by a SELECT before every
    insert: ``alert_raise`` then returns the first alert. Its escalation is the sender's sweep past
    ``escalate_at``, not a task.
    """
    contacts = list(account.contacts.filter(removed_at__isnull=True))
    if not contacts:
        existing = Alert.objects.filter(client_id=client_id, account=account).first()
        if existing:
            return existing, False
        raise ValidationError(_("Add at least one contact before using the alert."), code="no_contacts")
    now = timezone.now()
    alert = Alert.objects.create(
        account=account,
        client_id=client_id,
        is_test=test,
        started_at=now,
        escalate_at=_escalate_at(now, test=test),
    )
    tokens = [new_token(16) for _contact in contacts]  # shown once: in each contact's SMS
    recipients = AlertRecipient.objects.bulk_create(
        [
            AlertRecipient(alert=alert, contact=contact, token_hash=token_hash(token))
            for contact, token in zip(contacts, tokens, strict=True)
        ]
    )
    texts = _alert_texts(account.display_name, tokens, test=test)
    wbodies = texts
    if conf("WHATSAPP_ENABLED"):
        wbodies = _whatsapp_bodies(account.display_name, tokens, texts, test=test)
    rows, of = [], []
    for contact, recipient, text, wbody in zip(contacts, recipients, texts, wbodies, strict=True):
        for channel in channels_of(contact.channel):
            whatsapp = channel == Channel.WHATSAPP
            delay = fallback_after(contact.channel) if whatsapp else None
            rows.append(
                Message(
                    kind=MessageKind.ALERT,
                    channel=channel,
                    to_phone=contact.phone,
                    body=wbody if whatsapp else text,
                    fallback_due_at=now + timedelta(seconds=delay) if delay is not None else None,
                )
            )
            of.append(recipient)
    messages = messages_queue(rows)
    AlertMessage.objects.bulk_create(
        [
            AlertMessage(message=message, alert=alert, recipient=recipient)
            for message, recipient in zip(messages, of, strict=True)
        ]
    )
    return alert, True


@transaction.atomic
def alert_locate(*, alert: Alert, lat, lon, accuracy, captured_at: datetime | None = None) -> AlertLocation:
    """A position from her phone. The first one tells her contacts that the live page now shows where she is."""
    lat, lon, accuracy = _coordinates(lat, lon, accuracy)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_active:
        raise ValidationError(_("The alert is no longer active."), code="inactive")
    captured_at = _captured_at(captured_at, alert)
    first = not alert.locations.exists()
    location = AlertLocation.objects.create(
        alert=alert, coordinates=f"{lat:.6f},{lon:.6f}", accuracy_m=accuracy, captured_at=captured_at
    )
    if first:
        for recipient in alert.recipients.select_related("contact"):
            link = recipient_link(recipient)
            name = alert.account.display_name
            if link:
                body = fit(
                    test_mark(
                        _("MIA: the location of {name} is now on her page: {link}"), test=alert.is_test
                    ),
                    name=name,
                    link=link,
                )
                _tell(recipient, kind=MessageKind.LOCATION, body=body, params=[name, link])
                continue
            # Its link is no longer in the outbox: an SMS only (the WhatsApp template needs the link).
            body = fit(
                test_mark(
                    _("MIA: the location of {name} is now on her page (the link of the first message)."),
                    test=alert.is_test,
                ),
                name=name,
            )
            sms_queue(
                kind=MessageKind.LOCATION,
                to=recipient.contact.phone,
                body=body,
                alert=alert,
                recipient=recipient,
            )
    return location


def _tell(recipient: AlertRecipient, *, kind: str, body: str, params: list[str]) -> None:
    """Queue a message of her alert to one of its contacts on her channel(s), linked to both (in the caller's
    transaction)."""
    contact_queue(
        kind=kind,
        contact=recipient.contact,
        text=body,
        params=params,
        alert=recipient.alert,
        recipient=recipient,
    )


def alert_cancel(*, alert: Alert, pin: str) -> Alert:
    """Cancel with her PIN. With the duress PIN the app shows "cancelled" but the alert stays active, flagged.

    The response is the same in both cases, so whoever forces her to cancel cannot tell. Wrong PINs are counted
    (and committed) before the error, and after PIN_MAX_FAILURES only staff can end the alert.
    """
    with transaction.atomic():
        account = MiaAccount.objects.select_for_update().get(pk=alert.account_id)
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        verdict = pin_verdict(account, pin, locked=_("Too many wrong PINs. The alert stays active."))
        if verdict == "duress":
            if alert.is_active and not alert.is_duress:
                alert.is_duress = True
                alert.save(update_fields=["is_duress"])
                escalate(alert, reason="duress")
            return alert
        if verdict == "right" and alert.is_active and not alert.is_duress:
            alert_end(alert, name=account.display_name)
    if verdict == "wrong":
        raise ValidationError({"pin": _("Wrong PIN.")})
    return alert


def alert_end(alert: Alert, *, name: str) -> None:
    """She ended the alert (her PIN, or a test alert's end): cancelled, and every contact is told so. In the
    caller's transaction, with the alert locked."""
    alert.status = AlertStatus.CANCELLED
    alert.ended_at = timezone.now()
    alert.purge_after = alert.ended_at + timedelta(days=conf("LOCATION_RETENTION_DAYS"))
    alert.save(update_fields=["status", "ended_at", "purge_after"])
    for recipient in alert.recipients.select_related("contact"):
        body = fit(test_mark(_("MIA: {name} cancelled her alert."), test=alert.is_test), name=name)
        _tell(recipient, kind=MessageKind.CANCELLED, body=body, params=[name])


@transaction.atomic
def alert_acknowledge(*, recipient: AlertRecipient, via: str) -> AlertRecipient:
    """A contact says "I'm on my way / I'm contacting her" (live page button or SMS reply)."""
    recipient = AlertRecipient.objects.select_for_update().select_related("alert").get(pk=recipient.pk)
    if not recipient.alert.is_active:
        raise ValidationError(_("The alert is no longer active."), code="inactive")
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at = timezone.now()
        recipient.acknowledged_via = via
        recipient.save(update_fields=["acknowledged_at", "acknowledged_via"])
        EmergencyContact.objects.filter(pk=recipient.contact_id, confirmed_at__isnull=True).update(
            confirmed_at=recipient.acknowledged_at
        )
    return recipient


@transaction.atomic
def sms_inbound(*, from_phone: str, body: str) -> int:
    """A reply by SMS: confirms the contact, and acknowledges the active alerts she is a recipient of."""
    try:
        phone = parse_phone(from_phone)
    except ValidationError:
        return 0
    now = timezone.now()
    EmergencyContact.objects.filter(phone=phone, confirmed_at__isnull=True, removed_at__isnull=True).update(
        confirmed_at=now
    )
    recipients = AlertRecipient.objects.filter(
        contact__phone=phone, alert__status=AlertStatus.ACTIVE, acknowledged_at__isnull=True
    )
    return recipients.update(acknowledged_at=now, acknowledged_via="sms")


@transaction.atomic
def alert_close(*, alert: Alert, by, outcome: str, note: str = "", case=None, ask_case=None) -> Alert:
    """Staff close an alert with its outcome; locations are then kept for the retention period only.

    ``case``: a case file the closer may see, linked at once. ``ask_case``: one she may not see (a monitor sees
    none): the link is asked of that case's team (``alert_case_link_ask``), who confirm or decline it."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError(_("The alert is already closed."), code="closed")
    alert.status = AlertStatus.CLOSED
    alert.outcome = outcome
    alert.outcome_note = note
    alert.closed_by = by
    alert.ended_at = alert.ended_at or timezone.now()
    alert.purge_after = timezone.now() + timedelta(days=conf("LOCATION_RETENTION_DAYS"))
    if case is not None:
        alert.case = case
    alert.full_clean(exclude=["client_id"])
    alert.save()
    audit_record(
        actor=by, action=Action.UPDATE, obj=alert, case_id=case.pk if case else None, detail="cierre"
    )
    if case is not None:
        _linked_on_the_case(alert, by=by)
    if ask_case is not None and case is None:
        alert_case_link_ask(alert=alert, case=ask_case, by=by)
    return alert


def _linked_on_the_case(alert: Alert, *, by) -> None:
    """A line on her case's history: an MIA alert, when, and how it ended; never where she was."""
    description = _("MIA alert of %(date)s linked · %(outcome)s") % {
        "date": timezone.localtime(alert.started_at).strftime("%d/%m/%Y %H:%M"),
        "outcome": alert.get_outcome_display() if alert.outcome else _("no outcome recorded"),
    }
    case_event_record(case=alert.case, by=by, kind=EventKind.ALERT, description=description)


def alert_case_link_ask(*, alert: Alert, case, by) -> Alert:
    """Ask the team of ``case`` to link this alert to it: the asker does not read the case (only its folio was
    typed); each team member who may see the case gets a notice with the folio and a link to review it."""
    alert.pending_case, alert.pending_case_by = case, by
    alert.save(update_fields=["pending_case", "pending_case_by"])
    audit_record(actor=by, action=Action.UPDATE, obj=alert, detail="pide vincular un expediente")
    notify(
        recipients=[m.user for m in case.team_members.select_related("user")],
        kind="alerts.case_link",
        message=_(
            "The MIA monitoring asks to link an alert to case file %(folio)s: confirm it or decline it."
        )
        % {"folio": case.folio},
        url=reverse("alerts:case_link_review", kwargs={"public_id": alert.public_id}),
        case=case,
    )
    return alert


@transaction.atomic
def alert_case_link_decide(*, alert: Alert, by, confirm: bool) -> Alert:
    """The case team's answer to a link asked for (the caller checked ``by`` may see the pending case)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    case = alert.pending_case
    if case is None:
        raise ValidationError(_("There is no link to review."), code="no_pending_case")
    if confirm:
        alert.case = case
    alert.pending_case, alert.pending_case_by = None, None
    alert.save(update_fields=["case", "pending_case", "pending_case_by"])
    if confirm:
        _linked_on_the_case(alert, by=by)
    audit_record(
        actor=by,
        action=Action.UPDATE,
        obj=alert,
        case_id=case.pk,
        detail="vinculación confirmada" if confirm else "vinculación rechazada",
    )
    return alert
