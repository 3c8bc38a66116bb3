"""The progress of an import while it runs, readable by the page that polls it.

The import is one transaction (all or nothing), so what it writes is invisible to other connections until it
commits — its progress too, if it were written in the same transaction. So progress goes around it:

- on PostgreSQL, through a connection of its own (``connections.create_connection``), in autocommit: the job
  row's ``progress_done`` is updated and seen at once by every app server;
- on SQLite (one machine by nature, and one writer at a time: a second connection would wait for the import's
  lock), in a small file next to the uploaded spreadsheet in the private import folder.

Only counts are written, never data from the file.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections


def _file(job_id: int) -> Path:
    return Path(settings.DATAIMPORT_ROOT) / "progress" / f"{job_id}.json"


class Reporter:
    """Writes ``done`` of ``total`` for one job, at most every ``every`` rows (and always the last)."""

    def __init__(self, job_id: int, total: int, every: int = 50):
        self.job_id, self.total, self.every = job_id, total, every
        self.last = -1
        self._conn = None
        self.postgres = connection.vendor == "postgresql"

    def __call__(self, done: int) -> None:
        if done != self.total and self.last >= 0 and done - self.last < self.every:
            return
        self.last = done
        if self.postgres:
            if self._conn is None:
                self._conn = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._conn.cursor() as cursor:  # its own connection, autocommit: seen at once
                cursor.execute(
                    "UPDATE dataimport_importjob SET progress_done = %s, progress_total = %s WHERE id = %s",
                    [done, self.total, self.job_id],
                )
            return
        path = _file(self.job_id)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": done, "total": self.total}))
        os.replace(tmp, path)  # whole or not at all: a poll never reads half a file

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        clear(self.job_id)


def clear(job_id: int) -> None:
    _file(job_id).unlink(missing_ok=True)


def read(job) -> tuple[int, int]:
    """(done, total) of a job: from the file while an import runs on SQLite, else from its row."""
    path = _file(job.pk)
    if path.exists():
        try:
            data = json.loads(path.read_text())
            return int(data["done"]), int(data["total"])
        except (ValueError, KeyError, OSError):
            pass
    return job.progress_done, job.progress_total
