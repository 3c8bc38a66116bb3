"""The statistics app's settings: the environment sets them (settings.py is at its length limit), a setting of
the same name overrides them (tests). The BANAVIM pseudonym key is a secret and stays in settings.py."""

import os

from django.conf import settings

DEFAULTS = {
    # A count from 1 to this minus one never leaves the system (exports, the council report, public figures).
    "REPORTS_SUPPRESSION_THRESHOLD": "5",
}


def get(name: str) -> str:
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, DEFAULTS[name])
