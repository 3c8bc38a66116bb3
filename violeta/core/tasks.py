"""Enqueueing background work so that it commits with the data it is about.

With the database backend (django-tasks-db) the task row is written in the caller's transaction: the outbox
row and the task that sends it commit together or not at all. Other backends (RQ on Redis) cannot join the
transaction, so there the task is enqueued on commit.
"""

from datetime import datetime

from django.db import transaction

DATABASE_BACKENDS = ("DatabaseBackend",)


def _bind(task, run_after: datetime | None):
    return task.using(run_after=run_after) if run_after is not None else task


def is_database(bound) -> bool:
    # The task's own backend: ``django_tasks.default_task_backend`` is a proxy whose type says nothing.
    return type(bound.get_backend()).__name__ in DATABASE_BACKENDS


class EnqueueOnCommit:
    """The on-commit callback that hands a task to a backend outside the database (RQ). A class, not a lambda,
    so a test whose transaction never commits can find these callbacks and stand in for the commit
    (``violeta.testing.tasks.run_due_tasks``)."""

    def __init__(self, bound, args, kwargs):
        self.bound, self.args, self.kwargs = bound, args, kwargs

    def __call__(self):
        self.bound.enqueue(*self.args, **self.kwargs)


def enqueue(task, *args, run_after: datetime | None = None, **kwargs):
    """Enqueue one task; returns its result handle with the database backend (None when deferred to commit)."""
    bound = _bind(task, run_after)
    if is_database(bound):
        return bound.enqueue(*args, **kwargs)
    transaction.on_commit(EnqueueOnCommit(bound, args, kwargs))
    return None


def enqueue_many(calls: list[tuple]) -> None:
    """Several tasks in one INSERT (the hot path of an alert): ``calls`` is ``[(task, args, run_after), …]``,
    or ``(task, args, run_after, task_id)`` to give a task the id the caller already recorded (ignored by
    backends that choose their own).

    With the database backend the rows are exactly those ``Task.enqueue`` writes (django-tasks-db's
    ``_task_to_db_task``), made with one ``bulk_create``; the ``task_enqueued`` signal is sent for each, as
    ``enqueue`` does. Other backends enqueue each one on commit.
    """
    bound = [(_bind(call[0], call[2]), call[1]) for call in calls]
    ids = [call[3] if len(call) > 3 else None for call in calls]
    if not all(is_database(task) for task, _args in bound):
        for task, args in bound:
            enqueue(task, *args)
        return
    from django_tasks.signals import task_enqueued
    from django_tasks.utils import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    rows = []
    for (task, args), task_id in zip(bound, ids, strict=True):
        backend = task.get_backend()
        backend.validate_task(task)
        rows.append(
            DBTaskResult(
                id=task_id or backend._get_id(),
                args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                # bulk_create sends no pre_save: what django-tasks-db's receiver does for "no run_after"
                run_after=task.run_after if task.run_after is not None else get_date_max(),
                backend_name=backend.alias,
            )
        )
    DBTaskResult.objects.bulk_create(rows)
    if task_enqueued.has_listeners():
        for (task, _args), row in zip(bound, rows, strict=True):
            task_enqueued.send(type(task.get_backend()), task_result=row.task_result)


def prune_task_results() -> None:
    """Delete finished (successful or failed) task results older than TASKS_RESULT_RETENTION_DAYS, with
    django-tasks-db's own ``prune_db_task_results``; a periodic job of the sender (violeta/core/periodic.py)."""
    from django.conf import settings
    from django.core.management import call_command
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends

    if not isinstance(task_backends["default"], DatabaseBackend):
        return  # another backend (RQ) keeps its own results
    call_command(
        "prune_db_task_results",
        min_age_days=settings.TASKS_RESULT_RETENTION_DAYS,
        queue_name="*",
        verbosity=1,
    )
