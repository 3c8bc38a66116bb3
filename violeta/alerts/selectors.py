"""Reads of MIA data. Console reads go through ``access_alert``/``console_alerts``: role-checked and audited."""

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.http import Http404

from violeta.accounts.models import Role
from violeta.alerts.models import (
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertLocation,
    AlertRecipient,
    AlertStatus,
    EmergencyContact,
)
from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record
from violeta.cases.selectors import can_view_case
from violeta.core.tokens import token_hash

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
        ).order_by("-is_duress", F("escalated_at").asc(nulls_last=True), "-started_at")[:200]
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
                "messages",
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
