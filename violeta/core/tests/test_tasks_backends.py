"""The background tasks on the backend the settings chose: the database (default) or RQ on Redis
(``TASKS_BACKEND=rq``; .ci/run runs every test marked ``tasks`` on both)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.signals import task_finished

from violeta.notifications import tasks as notification_tasks
from violeta.notifications.models import Notification
from violeta.notifications.services import notify
from violeta.testing.tasks import bring_forward, on_rq, run_due_tasks

pytestmark = [pytest.mark.tasks, pytest.mark.django_db]


@pytest.fixture
def finished():
    """The backends that reported a task finished, each task's path, and its result as the backend stored it."""
    seen = []

    def receiver(sender, task_result, **kwargs):
        # django-tasks-db 0.13 sends the backend itself on success (its class on failure); RQ sends the class
        backend = sender if isinstance(sender, type) else type(sender)
        seen.append((backend.__name__, task_result.task.module_path, task_result.id))

    task_finished.connect(receiver)
    yield seen
    task_finished.disconnect(receiver)


def test_the_configured_backend_runs_the_task_and_it_does_its_work(lawyer, mailoutbox, finished):
    expected = "RQBackend" if on_rq() else "DatabaseBackend"
    assert type(task_backends["default"]).__name__ == expected

    [notice] = notify(recipients=[lawyer], kind="test", message="Aviso de prueba")
    run_due_tasks()

    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert len(mailoutbox) == 1
    [(backend, path, result_id)] = finished
    assert (backend, path) == (expected, notification_tasks.notification_deliver.module_path)
    assert task_backends["default"].get_result(result_id).status == "SUCCESSFUL"
    run_due_tasks()  # nothing is left to run twice
    assert len(finished) == 1 and len(mailoutbox) == 1


def test_a_task_for_later_waits_for_its_time(lawyer, mailoutbox, finished):
    later = timezone.now() + timedelta(days=1)
    [notice] = notify(recipients=[lawyer], kind="test", message="Recordatorio", deliver_at=later)
    run_due_tasks()
    assert finished == [] and mailoutbox == []

    Notification.objects.filter(pk=notice.pk).update(deliver_at=timezone.now() - timedelta(seconds=1))
    assert bring_forward(notification_tasks.notification_deliver, [notice.pk]) == 1
    run_due_tasks()
    [(_backend, _path, result_id)] = finished
    assert task_backends["default"].get_result(result_id).status == "SUCCESSFUL"
    assert len(mailoutbox) == 1


@pytest.mark.skipif(not on_rq(), reason="the database backend writes the task in the caller's transaction")
def test_on_rq_a_task_reaches_redis_only_when_its_transaction_commits(
    lawyer, django_capture_on_commit_callbacks
):
    from violeta.testing.tasks import rq_queue

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(recipients=[lawyer], kind="test", message="Aviso")
        assert rq_queue().count == 0  # not before the commit: a rolled-back notice has no task
    assert rq_queue().count == 1
