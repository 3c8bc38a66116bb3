"""Thin task wrappers around the services: safe to run twice, as the database worker may."""

from django_tasks import task

from violeta.notifications import services


@task()
def notification_deliver(notification_id: int) -> None:
    services.notification_deliver_run(notification_id=notification_id)
