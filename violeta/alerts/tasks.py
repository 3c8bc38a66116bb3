"""Thin task wrappers around the services: safe to run twice, as the database worker may."""

from django_tasks import task

from violeta.alerts import services


@task()
def sms_dispatch(message_id: int) -> None:
    services.sms_dispatch_run(message_id=message_id)


@task()
def sms_watchdog(message_id: int, attempt: int) -> None:
    services.sms_watchdog_run(message_id=message_id, attempt=attempt)


@task()
def sms_delivery_check(message_id: int, attempt: int) -> None:
    services.sms_delivery_check_run(message_id=message_id, attempt=attempt)


@task()
def alert_escalation_check(alert_id: int) -> None:
    services.alert_escalation_check_run(alert_id=alert_id)


@task()
def locations_purge() -> int:
    return services.locations_purge()
