"""Test alerts: she sends one at any time to check that her network receives it (``alert_raise(test=True)``).

A test alert is an alert in everything her contacts see (each message begins with "PRUEBA"), and in nothing the
institute does: it has no escalation deadline, so the console does not raise it and the monitors on duty are not
e-mailed (``escalation``), and neither the voice call nor the hand-off to 9-1-1 is made for it. The duress PIN is
never a test: it escalates a test alert like any other. It ends by her (``alert_test_end``, no PIN: nothing is at
stake) or by itself after ``MIA["TEST_ALERT_MINUTES"]`` (``alert_tests_expire``, a periodic job of the sender);
either way her contacts are told it ended, with "PRUEBA" too.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.alerts.models import Alert, AlertStatus
from violeta.alerts.services.alerts import alert_end
from violeta.alerts.services.common import conf


@transaction.atomic
def alert_test_end(*, alert: Alert) -> Alert:
    """She ends her test alert from the app, without her PIN. A real alert is refused (code ``not_test``)."""
    alert = Alert.objects.select_for_update().select_related("account").get(pk=alert.pk)
    if not alert.is_test:
        raise ValidationError(_("Only a test alert ends without your PIN."), code="not_test")
    if alert.is_active and not alert.is_duress:
        alert_end(alert, name=alert.account.display_name)
    return alert


@transaction.atomic
def alert_tests_expire(*, now: datetime | None = None) -> int:
    """End the test alerts older than ``TEST_ALERT_MINUTES`` (run by the sender). Returns how many."""
    now = now or timezone.now()
    due = list(
        Alert.objects.select_for_update(skip_locked=True)
        .select_related("account")
        .filter(
            is_test=True,
            is_duress=False,
            status=AlertStatus.ACTIVE,
            started_at__lte=now - timedelta(minutes=conf("TEST_ALERT_MINUTES")),
        )
        .order_by("pk")[:100]
    )
    for alert in due:
        alert_end(alert, name=alert.account.display_name)
    return len(due)
