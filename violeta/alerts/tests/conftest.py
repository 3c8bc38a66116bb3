"""Every MIA test sends its text messages to memory, and starts with an empty outbox."""

import pytest

from violeta.messaging.backends import locmem


@pytest.fixture(autouse=True)
def _sms_to_memory(settings):
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()
