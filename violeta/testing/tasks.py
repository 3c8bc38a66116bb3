"""Running the background tasks in a test, on whichever backend the settings chose (``TASKS_BACKEND``).

The database backend: ``manage.py db_worker --batch`` runs every due task. RQ: the tasks were handed to Redis on
commit (``violeta.core.tasks.enqueue``); a test's transaction never commits, so the queued hand-offs are made
first, as the commit would have made them, then an RQ worker in this process (burst mode, its scheduler on for
tasks with a ``run_after``) runs every due job, as ``manage.py rqworker --with-scheduler`` does.
"""

from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection


def on_rq() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"


def _commit_enqueues() -> None:
    """Make the RQ hand-offs waiting for a commit that the test's transaction will never make."""
    from violeta.core.tasks import EnqueueOnCommit

    waiting = [entry for entry in connection.run_on_commit if isinstance(entry[1], EnqueueOnCommit)]
    connection.run_on_commit = [entry for entry in connection.run_on_commit if entry not in waiting]
    for _savepoints, callback, _robust in waiting:
        callback()


def rq_queue():
    import django_rq
    from django_tasks_rq import Job

    return django_rq.get_queue("default", job_class=Job)


def run_due_tasks() -> None:
    """Run every task that is due, as the worker of the configured backend would."""
    if not on_rq():
        from django_tasks_db.management.commands import db_worker

        # The worker closes "old" database connections between tasks; inside a test's transaction that would
        # close the test's own connection (PostgreSQL with CONN_MAX_AGE=0), so it is left open here.
        with mock.patch(f"{db_worker.__name__}.close_old_connections"):
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        return
    from django_tasks_rq import Job
    from rq import SimpleWorker

    _commit_enqueues()
    queue = rq_queue()
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.work(burst=True, with_scheduler=True, logging_level="WARNING")


def bring_forward(task, args: list) -> int:
    """Make the waiting runs of ``task`` with these ``args`` due now, as when their ``run_after`` has come;
    returns how many there were."""
    from django.utils import timezone

    now = timezone.now()
    if not on_rq():
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(started_at__isnull=True, task_path=task.module_path)
        ids = [row.pk for row in waiting if row.args_kwargs["args"] == list(args)]
        return DBTaskResult.objects.filter(pk__in=ids).update(run_after=now)
    from django_tasks_rq import Job

    _commit_enqueues()
    queue = rq_queue()
    registry = queue.scheduled_job_registry
    jobs = Job.fetch_many(registry.get_job_ids(), connection=queue.connection)
    found = [
        job for job in jobs if job and job.func_name == task.module_path and list(job.args) == list(args)
    ]
    for job in found:
        registry.schedule(job, now)
    return len(found)
