""" "Acompáñame", the trip timer: starting it, her positions while it runs, ending it with her PIN, and the
expiry sweep that raises the alert by itself when it runs out.

The server owns the deadline, not the phone: ``timer_sweep`` runs every second in the sender process
(registered in ``AlertsConfig.ready``; also by ``messaging_check`` when the sender is down) and fires every
running timer past its deadline with ``alert_raise``, as the button does: the first message to every contact is
queued at once, before any location. The alert's client id is ``timer-<public id>``, so a timer raises one alert
whatever happens (two sweeps, a retried round).

One transaction each: ``timer_start`` (the timer, its followers and their messages commit together),
``timer_locate``, ``timer_sweep`` (its whole batch, locked in id order with SKIP LOCKED, so that two sweeps
never take the same timer). ``timer_end`` is one transaction too, but a wrong PIN raises its error after that
transaction commits, so the failure is counted (``pin_failures``, shared with ``alert_cancel``). The duress PIN
"ends" the timer for the screen and raises a duress alert in that transaction.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.alerts.models import (
    Alert,
    AlertEventKind,
    MiaAccount,
    TimerFollower,
    TimerPosition,
    TripTimer,
    TripTimerStatus,
)
from violeta.alerts.services.accounts import pin_verdict
from violeta.alerts.services.alerts import _captured_at, _coordinates, alert_locate, alert_raise
from violeta.alerts.services.common import conf, page_link, sms_queue
from violeta.alerts.services.escalation import escalate
from violeta.alerts.services.events import alert_event_record
from violeta.core.tokens import new_token, token_hash
from violeta.messaging.models import MessageKind
from violeta.messaging.text import fit

logger = logging.getLogger(__name__)


def duration_bounds() -> tuple[int, int]:
    """The shortest and the longest timer, in seconds (``MIA["TIMER_MIN_MINUTES"]``, ``["TIMER_MAX_MINUTES"]``)."""
    return round(conf("TIMER_MIN_MINUTES") * 60), round(conf("TIMER_MAX_MINUTES") * 60)


def _retention(now: datetime) -> datetime:
    return now + timedelta(days=conf("LOCATION_RETENTION_DAYS"))


def _alert_client_id(timer: TripTimer) -> str:
    return f"timer-{timer.public_id}"


@transaction.atomic
def timer_start(
    *, account: MiaAccount, client_id: str, seconds: int, followers: list[int] = ()
) -> tuple[TripTimer, bool]:
    """She starts a timer for a trip; each contact she chose gets one message with her chosen name and the link
    to follow her. ``client_id`` comes from the app: the same start retried returns the same timer. One timer
    runs at a time. Returns (timer, created)."""
    account = MiaAccount.objects.select_for_update().get(pk=account.pk)
    client_id = (client_id or "").strip()[:64]
    if len(client_id) < 8:
        raise ValidationError({"client_id": _("Missing timer identifier.")})
    existing = account.timers.filter(client_id=client_id).first()
    if existing:
        return existing, False
    shortest, longest = duration_bounds()
    if not shortest <= seconds <= longest:
        raise ValidationError(
            _("The timer must last between %(min)d and %(max)d minutes.")
            % {"min": conf("TIMER_MIN_MINUTES"), "max": conf("TIMER_MAX_MINUTES")},
            code="duration",
        )
    contacts = {c.pk: c for c in account.contacts.filter(removed_at__isnull=True)}
    if not contacts:  # when it runs out, the alert needs someone to go to
        raise ValidationError(_("Add at least one contact before using the alert."), code="no_contacts")
    if any(pk not in contacts for pk in followers):
        raise ValidationError(_("Choose among your contacts."), code="followers")
    if account.timers.filter(status=TripTimerStatus.ACTIVE).exists():
        raise ValidationError(_("You already have a timer running."), code="timer_active")
    now = timezone.now()
    timer = TripTimer.objects.create(
        account=account, client_id=client_id, started_at=now, deadline=now + timedelta(seconds=seconds)
    )
    for pk in dict.fromkeys(followers):
        contact = contacts[pk]
        token = new_token(16)  # shown once: in her message
        body = fit(
            _("{name} shares her trip with you in the MIA app. Follow it here: {link}"),
            name=account.display_name,
            link=page_link("alerts:timer_follow", token),
        )
        # By SMS for every contact for now: WhatsApp needs an approved template of its own (not yet there).
        message = sms_queue(kind=MessageKind.TIMER, to=contact.phone, body=body)
        TimerFollower.objects.create(
            timer=timer, contact=contact, token_hash=token_hash(token), message=message
        )
    return timer, True


def timer_current(account: MiaAccount) -> TripTimer | None:
    """What the app resumes on load: her running timer, or the one that ran out while its alert is active
    (the app then shows the alert). A timer "ended" with the duress PIN is never shown again."""
    timer = account.timers.filter(status=TripTimerStatus.ACTIVE).first()
    if timer is None:
        timer = (
            account.timers.filter(status=TripTimerStatus.EXPIRED, alert__status="active")
            .select_related("alert")
            .order_by("-ended_at")
            .first()
        )
    return timer


@transaction.atomic
def timer_locate(*, timer: TripTimer, lat, lon, accuracy, captured_at: datetime | None = None):
    """A position from her phone while the timer runs, for her followers. Once the timer has raised its alert
    (it ran out, or the duress PIN), the position goes to that alert, as the alert's own positions do."""
    lat, lon, accuracy = _coordinates(lat, lon, accuracy)
    timer = TripTimer.objects.select_for_update(of=("self",)).select_related("alert").get(pk=timer.pk)
    if timer.status in (TripTimerStatus.EXPIRED, TripTimerStatus.DURESS) and timer.alert:
        return alert_locate(alert=timer.alert, lat=lat, lon=lon, accuracy=accuracy, captured_at=captured_at)
    if not timer.is_active:
        raise ValidationError(_("The timer has ended."), code="timer_ended")
    return TimerPosition.objects.create(
        timer=timer,
        coordinates=f"{lat:.6f},{lon:.6f}",
        accuracy_m=accuracy,
        captured_at=_captured_at(captured_at, timer),
    )


def _fire(timer: TripTimer, *, now: datetime, status: str, detail: str) -> Alert | None:
    """Raise the timer's alert (once: its client id is the timer's) and record on it why it was raised."""
    try:
        alert, created = alert_raise(account=timer.account, client_id=_alert_client_id(timer))
    except ValidationError:  # she removed every contact during the trip: there is nobody to send it to
        logger.warning("timer %s: no contact to raise its alert", timer.pk)
        alert, created = None, False
    timer.status = status
    timer.ended_at = now
    timer.alert = alert
    timer.purge_after = _retention(now)
    timer.save(update_fields=["status", "ended_at", "alert", "purge_after"])
    if created:
        alert_event_record(alert=alert, kind=AlertEventKind.TIMER, detail=detail)
    return alert


def timer_end(*, timer: TripTimer, pin: str) -> TripTimer:
    """She arrived: she ends the timer with her PIN. With her duress PIN the answer is the same ("ended"), but a
    duress alert is raised and escalated. Wrong PINs are counted (committed before the error); after
    PIN_MAX_FAILURES the timer keeps running, and it raises the alert when it runs out."""
    with transaction.atomic():
        account = MiaAccount.objects.select_for_update().get(pk=timer.account_id)
        timer = TripTimer.objects.select_for_update().get(pk=timer.pk)
        verdict = pin_verdict(account, pin, locked=_("Too many wrong PINs. The timer keeps running."))
        if verdict == "duress":
            if timer.is_active:
                alert = _fire(
                    timer,
                    now=timezone.now(),
                    status=TripTimerStatus.DURESS,
                    detail=_("Raised by the trip timer: she ended it with the emergency PIN."),
                )
                if alert is not None:
                    alert.is_duress = True
                    alert.save(update_fields=["is_duress"])
                    escalate(alert, reason="duress")
            return timer
        if verdict == "right" and timer.is_active:
            timer.status = TripTimerStatus.ENDED
            timer.ended_at = timezone.now()
            timer.purge_after = _retention(timer.ended_at)
            timer.save(update_fields=["status", "ended_at", "purge_after"])
    if verdict == "wrong":
        raise ValidationError({"pin": _("Wrong PIN.")})
    return timer


@transaction.atomic
def timer_sweep(*, now: datetime | None = None) -> int:
    """Raise the alert of every running timer past its deadline, as the button does. Run every second by the
    sender (and by ``messaging_check`` when the sender is down). Timers another sweep holds are skipped.
    Returns how many were fired."""
    now = now or timezone.now()
    due = list(
        TripTimer.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("account")
        .filter(status=TripTimerStatus.ACTIVE, deadline__lte=now)
        .order_by("pk")[: conf("TIMER_SWEEP_MAX")]
    )
    for timer in due:
        late = max(0, int((now - timer.deadline).total_seconds()))
        _fire(
            timer,
            now=now,
            status=TripTimerStatus.EXPIRED,
            detail=_("Raised by the trip timer: it ran out (%(minutes)d min) and she did not end it.")
            % {"minutes": max(1, round((timer.deadline - timer.started_at).total_seconds() / 60))}
            + (" " + _("Fired %(s)d s after its deadline.") % {"s": late} if late > 5 else ""),
        )
    return len(due)
