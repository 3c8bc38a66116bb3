"""The demo data built once for a module's tests, committed, and the test database put back after them.

Building the demo (``manage.py demo_data``: 150 case files through the services) takes most of a minute on a
slow machine, so the tests that only read it share one build instead of making their own: the tests of
``violeta/demo/tests/test_demo_data.py`` and the crawl (``violeta/tests/journeys/test_crawl.py``). Each test
still runs in its own transaction, rolled back, on top of the committed demo; when the module ends, the database
is emptied and given back the rows the migrations left (as Django's serialized rollback does), so the tests
after the module find it as they would have.
"""

import io
from contextlib import contextmanager


@contextmanager
def committed_demo(django_db_blocker):
    """Build the demo data and commit it; yield what ``demo_data`` printed; restore the database afterwards."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    with django_db_blocker.unblock():
        # The demo's accounts are hashed as the tests' own are (violeta/conftest.py): PBKDF2 would cost seconds.
        fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
        fast.enable()
        name = str(connection.settings_dict["NAME"])
        assert "memory" in name or "test" in name, f"not a test database: {name}"
        try:
            before = connection.creation.serialize_db_to_string()
            printed = io.StringIO()
            call_command("demo_data", stdout=printed)
            yield printed.getvalue()
        finally:
            fast.disable()
            # As Django's own serialized rollback does: the sequences stay ahead of the restored rows' ids.
            call_command(
                "flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
            )
            connection.creation.deserialize_db_from_string(before)
