"""What a server process does once, after Django is set up and before its first request (``violeta/wsgi.py``)."""

import gc

from django.urls import get_resolver


def settle_heap() -> None:
    """Load every URL pattern (and so every view module), collect what start-up left behind, and freeze the rest.

    Python's full collection walks every object the process holds, the ~160,000 that Django and the apps made
    at start-up among them: 86-89 ms each time, and a page view paid it about once every 300-400 views
    (docs/performance.md, "An eleventh machine"). Frozen, they are never walked again (they live as long as
    the process anyway): a full collection then takes well under a millisecond. Objects made after this are
    collected as before."""
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module now, not on a request
    gc.collect()
    gc.freeze()
