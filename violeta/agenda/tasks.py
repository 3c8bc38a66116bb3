"""Thin task wrappers around the services: safe to run twice, as the database worker may."""

from django_tasks import task

from violeta.agenda import services


@task()
def appointment_reminders_send() -> int:
    return services.appointment_reminders_send()
