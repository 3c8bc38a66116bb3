"""Thin task wrappers around the services: safe to run twice, as the database worker may.

Messages are not tasks: the outbox is its own queue, emptied by the sender (violeta.messaging.sender), which also
runs the escalation of unanswered alerts (registered in ``AlertsConfig.ready``).
"""

from django_tasks import task

from violeta.alerts.services import retention


@task()
def locations_purge() -> int:
    return retention.locations_purge()
