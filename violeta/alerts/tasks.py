"""Thin task wrappers around the services: safe to run twice, as the database worker may."""

from django_tasks import task

from violeta.alerts import services

# Sending is claimed first. The database worker orders ready tasks by priority, then run_after: at the same
# priority, every deferred task (watchdogs, escalation checks: thousands under load) would be scanned before an
# immediate one, whose run_after sorts last. A higher priority puts the sends at the head of the index.
SEND_PRIORITY = 10


@task(priority=SEND_PRIORITY)
def sms_dispatch(message_id: int) -> None:
    services.sms_dispatch_run(message_id=message_id)


@task(priority=SEND_PRIORITY)
def sms_dispatch_batch(message_ids: list[int]) -> None:
    """The messages of one alert: each is claimed and sent on its own, so one failure retries only itself."""
    services.sms_dispatch_many_run(message_ids=message_ids)


@task()
def sms_watchdog(message_id: int, attempt: int) -> None:
    services.sms_watchdog_run(message_id=message_id, attempt=attempt)


@task()
def sms_watchdog_many(message_ids: list[int]) -> None:
    services.sms_watchdog_many_run(message_ids=message_ids)


@task()
def sms_delivery_check(message_id: int, attempt: int) -> None:
    services.sms_delivery_check_run(message_id=message_id, attempt=attempt)


@task()
def alert_escalation_check(alert_id: int) -> None:
    services.alert_escalation_check_run(alert_id=alert_id)


@task()
def locations_purge() -> int:
    return services.locations_purge()
