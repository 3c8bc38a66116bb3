"""Periodic jobs: a registry that any app fills in its ``AppConfig.ready()`` and a long-running process runs.

The messaging sender (``manage.py messaging_sender``) runs every registered job when it is due, between sending
messages; ``manage.py messaging_check`` (cron) runs the ``safety_net`` jobs itself when the sender has stopped
beating. The registry lives in core, the lowest layer, so that any app may register without importing the
process that runs it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    func: Callable[[], object]
    # Run also by ``messaging_check`` when the sender is not running (e.g. the escalation of silent alerts).
    safety_net: bool = False


JOBS: dict[str, Job] = {}


def register(
    name: str, every_seconds: float, func: Callable[[], object], *, safety_net: bool = False
) -> None:
    """Run ``func()`` about every ``every_seconds`` in the sender process. Registering a name again replaces it."""
    JOBS[name] = Job(name=name, every_seconds=every_seconds, func=func, safety_net=safety_net)


def jobs() -> list[Job]:
    return list(JOBS.values())
