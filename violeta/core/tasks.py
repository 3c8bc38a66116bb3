"""Enqueueing background work so that it commits with the data it is about.

With the database backend (django-tasks-db) the task row is written in the caller's transaction: the outbox
row and the task that sends it commit together or not at all. Other backends (RQ on Redis) cannot join the
transaction, so there the task is enqueued on commit.
"""

from datetime import datetime

from django.db import transaction
from django_tasks import default_task_backend

DATABASE_BACKENDS = ("DatabaseBackend",)


def enqueue(task, *args, run_after: datetime | None = None, **kwargs) -> None:
    bound = task.using(run_after=run_after) if run_after is not None else task
    if type(default_task_backend).__name__ in DATABASE_BACKENDS:
        bound.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: bound.enqueue(*args, **kwargs))
