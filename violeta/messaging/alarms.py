"""Telling people when the outbox is in trouble, from outside the sender that may be the trouble.

``alarms_check()`` reads the outbox's health (``violeta.messaging.health``) and, when the sender has not beaten for
``HEARTBEAT_MAX_AGE_SECONDS``, a due message has waited longer than ``DUE_MAX_AGE_SECONDS``, or messages gave up,
e-mails the alert monitors on duty and logs an ERROR line. Each condition is an episode (``Alarm``): e-mailed
once when it starts, not on every check, and again only after it cleared and came back. Messages that gave up are
told once each (``Message.alarm_sent_at``). The e-mail holds counts, ages and the console's address, never a
name or a phone.

Two callers, neither of them the sender: the web process on the console's poll (``console_state()``, at most
every ``ALARM_CHECK_SECONDS``) and ``manage.py messaging_check`` from cron, which also runs the safety-net jobs
(the escalation of silent alerts) itself when the sender is not beating. Two checks running at once are safe:
an episode opens once (a unique constraint), and what is told is claimed by a conditional update first.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from violeta.accounts.models import Role, User
from violeta.core import periodic
from violeta.messaging.health import OutboxState, duration, outbox_state
from violeta.messaging.models import Alarm, AlarmKind, Message, MessageStatus

logger = logging.getLogger(__name__)

CONSOLE_CHECK_KEY = "messaging:alarms_check"
# Gave-up messages told in one e-mail at most (the rest in the next check's).
GAVE_UP_BATCH = 1000


def monitors_on_duty() -> list[str]:
    """The e-mail addresses of the alert monitors on duty (the people who answer the console)."""
    return list(
        User.objects.filter(is_active=True, is_on_duty=True, role=Role.ALERT_MONITOR)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def alarms_check(*, now: datetime | None = None) -> OutboxState:
    """Open and clear the outbox's alarm episodes and e-mail the monitors on duty about what they were not told
    yet. Never raises on a database error (it is logged: the outage itself is the news). Returns the state read."""
    now = now or timezone.now()
    state = outbox_state(now=now)
    if not state.database:
        return state  # outbox_state logged it; nobody can be looked up to be told
    try:
        recipients = monitors_on_duty()
        _episodes(state, now, told=bool(recipients))
        if recipients:
            _tell(state, now, recipients)
    except DatabaseError as exc:
        logger.error("outbox alarms: database error (%s)", type(exc).__name__)
    return state


def _episodes(state: OutboxState, now: datetime, *, told: bool) -> None:
    failing = {AlarmKind.SENDER: not state.sender_ok, AlarmKind.OUTBOX: not state.outbox_ok}
    open_alarms = {alarm.kind: alarm for alarm in Alarm.objects.filter(cleared_at__isnull=True)}
    for kind, fails in failing.items():
        alarm = open_alarms.get(kind)
        if fails and alarm is None:
            try:
                with transaction.atomic():
                    Alarm.objects.create(kind=kind, raised_at=now)
            except IntegrityError:
                continue  # another check opened it a moment ago
            logger.error("outbox alarm raised: %s; %s", kind, state.summary())
            if not told:
                logger.error("outbox alarm: no alert monitor is on duty to be told by e-mail")
        elif (
            not fails
            and alarm is not None
            and Alarm.objects.filter(pk=alarm.pk, cleared_at__isnull=True).update(cleared_at=now)
        ):
            logger.warning(
                "outbox alarm cleared: %s after %.0f s", kind, (now - alarm.raised_at).total_seconds()
            )


def _tell(state: OutboxState, now: datetime, recipients: list[str]) -> None:
    """E-mail what the monitors were not told yet: open episodes not mailed, messages that gave up. Claimed
    first (so two checks never tell it twice), sent outside any transaction, and released if the mail fails.
    While nobody is on duty this is not called: it is told to whoever comes on duty."""
    with transaction.atomic():
        alarm_ids = [
            alarm.pk
            for alarm in Alarm.objects.select_for_update(skip_locked=True).filter(
                cleared_at__isnull=True, mailed_at__isnull=True
            )
        ]
        gave_up_ids = [
            message.pk
            for message in Message.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.GAVE_UP, alarm_sent_at__isnull=True)
            .only("pk")[:GAVE_UP_BATCH]
        ]
        if not alarm_ids and not gave_up_ids:
            return
        alarm_ids = [
            pk
            for pk in alarm_ids
            if Alarm.objects.filter(pk=pk, mailed_at__isnull=True).update(mailed_at=now)
        ]
        Message.objects.filter(pk__in=gave_up_ids, alarm_sent_at__isnull=True).update(alarm_sent_at=now)
    kinds = set(Alarm.objects.filter(pk__in=alarm_ids).values_list("kind", flat=True))
    if gave_up_ids:
        logger.error("outbox alarm: %s message(s) gave up", len(gave_up_ids))
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = alarm_mail(state, kinds=kinds, gave_up=len(gave_up_ids))
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        logger.exception("outbox alarm: the e-mail to the monitors on duty failed; told at the next check")
        Alarm.objects.filter(pk__in=alarm_ids, mailed_at=now).update(mailed_at=None)
        Message.objects.filter(pk__in=gave_up_ids, alarm_sent_at=now).update(alarm_sent_at=None)


def alarm_mail(state: OutboxState, *, kinds: set[str], gave_up: int) -> tuple[str, str]:
    """Subject and body of the monitors' e-mail: counts, ages and the console's address, nothing personal."""
    lines = [_("Violeta is not sending text messages as it should:"), ""]
    if AlarmKind.SENDER in kinds or not state.sender_ok:
        lines.append("- " + sender_problem(state))
    if AlarmKind.OUTBOX in kinds or not state.outbox_ok:
        lines.append("- " + outbox_problem(state))
    if gave_up:
        lines.append(
            "- "
            + ngettext(
                "%(count)d text message could not be sent after every attempt.",
                "%(count)d text messages could not be sent after every attempt.",
                gave_up,
            )
            % {"count": gave_up}
        )
    link = settings.SITE_URL.rstrip("/") + console_path()
    lines += [
        "",
        _(
            "Tell the systems staff. Meanwhile, follow the active alerts in the MIA console: their contacts may "
            "not have received the text message."
        ),
        _("MIA console: %(link)s") % {"link": link},
    ]
    return _("Violeta: sending text messages needs attention"), "\n".join(lines)


def sender_problem(state: OutboxState) -> str:
    if state.heartbeat_age is None:
        return _("The text message sender has never started: no text message is going out.")
    return _("Text messages have not been going out for %(duration)s: the sender stopped.") % {
        "duration": duration(state.heartbeat_age)
    }


def outbox_problem(state: OutboxState) -> str:
    return ngettext(
        "%(count)d text message has been waiting to go out for %(duration)s.",
        "%(count)d text messages are waiting to go out, the oldest for %(duration)s.",
        state.due,
    ) % {"count": state.due, "duration": duration(state.oldest_due_age)}


def console_path() -> str:
    """Where the monitors look (the MIA console, a higher app's page: by name, without importing it)."""
    try:
        return reverse("alerts:console")
    except NoReverseMatch:
        return "/"


# --- Who calls it ---------------------------------------------------------------------------------------------


def console_state() -> OutboxState:
    """For the console's poll (the web process): the outbox's state now, and at most every
    ``ALARM_CHECK_SECONDS`` (across processes, through the shared cache) the alarms check. Never raises: the
    console must show the alerts whatever happens here."""
    try:
        # get first: one read while the window is open (add alone tries an INSERT that fails every time)
        window = settings.MESSAGING["ALARM_CHECK_SECONDS"]
        if cache.get(CONSOLE_CHECK_KEY) is None and cache.add(CONSOLE_CHECK_KEY, 1, timeout=window):
            return alarms_check()
    except Exception:
        logger.exception("outbox alarms check failed")
    return outbox_state()


def safety_net_run() -> dict[str, object]:
    """Run every periodic job registered as a safety net (the escalation of silent alerts) once, here: the
    sender that runs them is not beating. Returns each job's result ("error" when it failed)."""
    results: dict[str, object] = {}
    for job in periodic.jobs():
        if not job.safety_net:
            continue
        try:
            results[job.name] = job.func()
        except Exception:
            logger.exception("safety-net job %s failed", job.name)
            results[job.name] = "error"
    if results:
        logger.warning("sender not beating: safety-net jobs run by messaging_check: %s", results)
    return results
