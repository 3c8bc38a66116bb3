"""The import's limits: the environment sets them (settings.py is at its length limit), a setting of the same
name overrides them (tests). The private folder is ``settings.DATAIMPORT_ROOT``."""

import os

from django.conf import settings

DEFAULTS = {
    "DATAIMPORT_MAX_BYTES": 10 * 1024 * 1024,  # the uploaded file
    "DATAIMPORT_MAX_ROWS": 10_000,  # data rows of one file
    "DATAIMPORT_STALE_HOURS": 24,  # an import left unfinished keeps its file this long
}


def get(name: str) -> int:
    if hasattr(settings, name):
        return int(getattr(settings, name))
    return int(os.environ.get(name, DEFAULTS[name]))
