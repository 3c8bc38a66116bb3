"""The account and the alert most tests of MIA's services start from, and the monitors on and off duty."""

import pytest

from violeta.accounts.models import Role, User
from violeta.alerts.services.alerts import alert_raise
from violeta.alerts.tests.factories import mia_account
from violeta.alerts.tests.services.helpers import PHONE


@pytest.fixture
def account():
    return mia_account(phone=PHONE, display_name="Lupita", pin="1234", duress_pin="9999", contacts=2)


@pytest.fixture
def alert(account):
    alert, _created = alert_raise(account=account, client_id="press-0001")
    return alert


@pytest.fixture
def on_duty(alert_monitor):
    alert_monitor.is_on_duty = True
    alert_monitor.save(update_fields=["is_on_duty"])
    return alert_monitor


@pytest.fixture
def off_duty(db):
    return User.objects.create_user(
        "monitoreo.descanso@imm.test", "x", full_name="Maribel Descanso", role=Role.ALERT_MONITOR
    )
