"""Writes of notices: notify now or at a time, withdraw, mark read, and deliver by e-mail."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.core.tasks import enqueue
from violeta.notifications import visibility
from violeta.notifications.models import Notification

logger = logging.getLogger(__name__)


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    message: str,
    url: str = "",
    deliver_at: datetime | None = None,
    key: str = "",
    case=None,
) -> list[Notification]:
    """Give each recipient a notice, now or at ``deliver_at``; with a ``key``, replace her pending one.

    A notice about a ``case`` (a Case or its id) goes only to recipients who may see the case: the others are
    skipped, whoever the caller listed (a team member of a case now under the internal protocol).

    A notice already delivered under the same key is left alone (she was told) unless it is a reminder for a
    later time than the old one (a hearing moved to another day). Inactive accounts get nothing.
    """
    from violeta.notifications import tasks

    when = deliver_at or timezone.now()
    created = []
    case_id = getattr(case, "pk", case)
    users = {
        user.pk: user
        for user in recipients
        if user is not None and user.is_active and visibility.may_see_case(user, case_id)
    }
    for user in users.values():
        if key:
            notice = Notification.objects.select_for_update().filter(recipient=user, key=key).first()
            if notice is not None:
                delivered = notice.emailed_at is not None and notice.cancelled_at is None
                if delivered and (deliver_at is None or when <= notice.deliver_at):
                    continue
                notice.kind, notice.message, notice.url = kind, message[:300], url
                notice.case_id = case_id
                notice.deliver_at, notice.cancelled_at = when, None
                notice.read_at = notice.emailed_at = None
                notice.save()
                created.append(notice)
                continue
        created.append(
            Notification.objects.create(
                recipient=user,
                kind=kind,
                message=message[:300],
                url=url,
                deliver_at=when,
                key=key,
                case_id=case_id,
            )
        )
    for notice in created:
        enqueue(tasks.notification_deliver, notice.pk, run_after=when if when > timezone.now() else None)
    return created


@transaction.atomic
def notifications_cancel(*, key: str, recipient=None) -> int:
    """Withdraw the pending notices under ``key`` (the hearing was cancelled, the order renewed)."""
    pending = Notification.objects.filter(key=key, emailed_at__isnull=True, cancelled_at__isnull=True)
    if recipient is not None:
        pending = pending.filter(recipient=recipient)
    return pending.update(cancelled_at=timezone.now())


def notification_mark_read(*, notification: Notification, by) -> Notification:
    if notification.recipient_id != by.pk:
        raise PermissionError("not her notice")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.unread().filter(recipient=user).update(read_at=timezone.now())


def notification_deliver_run(*, notification_id: int) -> bool:
    """E-mail one due notice, once. Safe to run twice and early: an early run (rescheduled) does nothing."""
    with transaction.atomic():
        notice = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True, cancelled_at__isnull=True)
            .first()
        )
        if notice is None or notice.deliver_at > timezone.now():
            return False
        if not visibility.may_see_case(notice.recipient, notice.case_id):
            # A reminder about a case she no longer sees (left the team, internal protocol): withdraw it.
            notice.cancelled_at = timezone.now()
            notice.save(update_fields=["cancelled_at"])
            return False
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
        email = notice.recipient.email
    if email:
        link = settings.SITE_URL.rstrip("/") + reverse("notifications:inbox")
        try:
            # The subject and body say nothing of the case: e-mail leaves the institute's systems.
            send_mail(
                _("Violeta: you have a new notice"),
                _("You have a new notice in Violeta. Sign in to read it: %(link)s") % {"link": link},
                None,
                [email],
            )
        except Exception:  # the notice is in her inbox either way; the mail server's failure is logged
            logger.exception("notice e-mail failed (notification %s)", notification_id)
    return True


def notifications_deliver_due() -> int:
    """Deliver every notice whose time has come and that no task delivered (a safety net for cron)."""
    due = Notification.objects.filter(
        emailed_at__isnull=True, cancelled_at__isnull=True, deliver_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(notification_deliver_run(notification_id=pk) for pk in list(due))
