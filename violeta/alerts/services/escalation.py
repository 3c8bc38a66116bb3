"""Escalation of MIA alerts: raising in the console the alerts that need a person at the institute.

``escalation_sweep`` is run every second by the sender process (registered in ``AlertsConfig.ready``; also by
``messaging_check`` when the sender is down). It is one transaction for its whole batch: up to
ESCALATION_SWEEP_MAX alerts, locked in id order with SKIP LOCKED so that two sweeps never take the same alert;
all of them are raised or none. ``escalate`` opens no transaction: it writes in its caller's (the sweep, or
``alerts.alert_cancel`` with the duress PIN). The e-mail to the monitors on duty is not part of any transaction:
it is sent once the transaction commits, and a failed e-mail is ignored (the console shows the alert anyway).
A test alert (``practice``) is never escalated but for the duress PIN: it has no deadline, and ``escalate``
refuses it.
"""

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Role, User
from violeta.alerts.models import Alert, AlertStatus
from violeta.alerts.services.common import conf


def _on_duty_emails() -> list[str]:
    return list(
        User.objects.filter(is_active=True, is_on_duty=True, role=Role.ALERT_MONITOR)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def escalate(alert: Alert, *, reason: str, on_duty: list[str] | None = None) -> None:
    """Raise the alert in the console (once; duress again after silence) and e-mail the monitors on duty."""
    # A test alert is hers to check her network: the institute is not called to it (but duress is never a test).
    if alert.is_test and reason != "duress":
        return
    # Duress outranks "no acknowledgement": an alert already raised for silence is raised again, as duress.
    if alert.escalated_at and not (reason == "duress" and alert.escalation_reason != "duress"):
        return
    alert.escalated_at = timezone.now()
    alert.escalation_reason = reason
    alert.save(update_fields=["escalated_at", "escalation_reason"])
    on_duty = _on_duty_emails() if on_duty is None else on_duty
    if on_duty:
        link = settings.SITE_URL.rstrip("/") + reverse(
            "alerts:console_detail", kwargs={"public_id": alert.public_id}
        )
        transaction.on_commit(
            lambda: send_mail(
                _("Violeta: an alert needs attention"),
                _("An alert needs attention in the console: %(link)s") % {"link": link},
                None,
                on_duty,
                fail_silently=True,
            )
        )


@transaction.atomic
def escalation_sweep(*, now: datetime | None = None) -> int:
    """Raise in the console every active alert past its ``escalate_at`` that nobody has acknowledged.

    Run every second by the sender (and by ``messaging_check`` when the sender is down). Alerts another sweep
    holds are skipped; each is locked in id order. Returns how many were raised.
    """
    now = now or timezone.now()
    silent = list(
        Alert.objects.select_for_update(skip_locked=True)
        .filter(status=AlertStatus.ACTIVE, escalated_at__isnull=True, escalate_at__lte=now, is_test=False)
        .exclude(recipients__acknowledged_at__isnull=False)
        .order_by("pk")[: conf("ESCALATION_SWEEP_MAX")]
    )
    on_duty = _on_duty_emails() if silent else []
    for alert in silent:
        escalate(alert, reason="no_ack", on_duty=on_duty)
    return len(silent)
