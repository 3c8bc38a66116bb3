"""The agenda's own settings: the environment sets them (settings/__init__.py is near its length limit); a
setting of the same name overrides them (tests)."""

import os

from django.conf import settings

DEFAULTS = {
    # Callback requests from the public site accepted per connection (address) per hour; the next is refused.
    "AGENDA_CALLBACKS_PER_HOUR": "5",
    # Days a handled (called back or cancelled) request keeps what she wrote; then it is erased.
    "AGENDA_CALLBACK_RETENTION_DAYS": "30",
}


def get_int(name: str) -> int:
    if hasattr(settings, name):
        return int(getattr(settings, name))
    return int(os.environ.get(name, DEFAULTS[name]))
