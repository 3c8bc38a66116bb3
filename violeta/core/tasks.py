"""Enqueueing background work so that it commits with the data it is about.

With the database backend (django-tasks-db) the task row is written in the caller's transaction: the outbox
row and the task that sends it commit together or not at all. Other backends (RQ on Redis) cannot join the
transaction, so there the task is enqueued on commit.
"""

from datetime import datetime

from django.db import transaction

DATABASE_BACKENDS = ("DatabaseBackend",)


def enqueue(task, *args, run_after: datetime | None = None, **kwargs) -> None:
    bound = task.using(run_after=run_after) if run_after is not None else task
    # The task's own backend: ``django_tasks.default_task_backend`` is a proxy whose type says nothing.
    if type(bound.get_backend()).__name__ in DATABASE_BACKENDS:
        bound.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: bound.enqueue(*args, **kwargs))
