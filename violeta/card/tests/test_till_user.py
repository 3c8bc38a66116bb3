"""The till account's user kept per process on the card API: no user row per validation, and still refused at
once after a sign-out or a change in this process, within TillUserMiddleware's USER_TTL after one elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from violeta.card import till_auth
from violeta.card.tests import factories

API = "/api/v1/card/validate"


@pytest.fixture(autouse=True)
def _empty_cache():
    till_auth.forget_till_users()
    yield
    till_auth.forget_till_users()


@pytest.fixture
def number(card_office):
    return factories.issued_card(card_office).number


def validate(client, number):
    return client.post(API, {"number": number}, content_type="application/json")


def test_the_till_user_is_not_read_on_every_validation(client, till, number):
    client.force_login(till)
    validate(client, number)
    with CaptureQueriesContext(connection) as queries:
        assert validate(client, number).json()["result"] == "valid"
    assert not [q["sql"] for q in queries.captured_queries if '"accounts_user"' in q["sql"]]


def test_a_sign_out_applies_at_once(client, till, number):
    client.force_login(till)
    assert validate(client, number).status_code == 200
    client.logout()
    assert validate(client, number).status_code == 401


def test_deactivating_the_till_in_this_process_applies_at_once(client, till, number):
    client.force_login(till)
    assert validate(client, number).status_code == 200
    till.is_active = False
    till.save()
    assert validate(client, number).status_code in (401, 403)


def test_a_change_in_another_process_applies_within_the_bound(client, till, number, monkeypatch):
    """Another process deactivates her (no signal here): refused once USER_TTL has passed."""
    client.force_login(till)
    assert validate(client, number).status_code == 200
    type(till).objects.filter(pk=till.pk).update(is_active=False)
    now = till_auth.time.monotonic()
    monkeypatch.setattr(till_auth.time, "monotonic", lambda: now + till_auth.USER_TTL + 1)
    assert validate(client, number).status_code in (401, 403)


def test_only_till_accounts_are_kept(client, director, number):
    client.force_login(director)
    assert validate(client, number).status_code == 403
    client.logout()
    assert validate(client, number).status_code == 401
    assert till_auth._users == {}
