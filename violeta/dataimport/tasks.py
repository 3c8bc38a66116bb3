"""Thin task wrappers around the services: safe to run twice, as the database worker may."""

from django_tasks import task

from violeta.dataimport import services


@task()
def import_run_task(job_id: int) -> None:
    services.import_run(job_id=job_id)


@task()
def job_check_task(job_id: int) -> None:
    services.job_check_run(job_id=job_id)
