"""Schemathesis over the whole OpenAPI schema (/api/v1/openapi.json): no server error, and every answer as the
schema declares it (status code, content type, body).

Every operation is fuzzed with a signed-in MIA account (its bearer token, with contacts and an alert) and a
signed-in till account (its session and CSRF token), so the authenticated paths are reached, not only the 401s.
Requests go through Django's WSGI handler in the test's own database transaction (SQLite or PostgreSQL, as the
suite runs). Bounded: ``MAX_EXAMPLES`` per operation keeps the whole schema within a couple of minutes.
"""

import uuid

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from violeta.alerts.models import MiaAccount, MiaDevice
from violeta.alerts.services.alerts import alert_raise
from violeta.alerts.services.contacts import contact_add
from violeta.api import ERROR_CODES, api
from violeta.card.models import MerchantAccount
from violeta.card.tests import factories as card_factories
from violeta.core.tokens import new_token, token_hash
from violeta.messaging.models import SenderHeartbeat

MAX_EXAMPLES = 25


@schemathesis.check
def documented_error_code(ctx, response, case):
    """Every error is JSON with a code from the catalogue (docs/api.md) and its documented status."""
    if response.status_code < 400:
        return None
    body = response.json()
    code = body.get("code")
    assert code in ERROR_CODES, f"undocumented error code {code!r}: {body}"
    assert ERROR_CODES[code][0] == response.status_code, f"{code} answered {response.status_code}"
    return None


CSRF = "c" * 32  # an unmasked CSRF secret: the cookie and the header carry the same one
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,  # what the schema forbids (a JSON array for an object…) is refused with a 4xx
    unsupported_method,  # a method the operation does not have is 405
    documented_error_code,
]


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler without closing the database connection after each request, as the test client
    does: the connection holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(db, merchant):
    """A MIA account with two contacts and an active alert, and an affiliated till account signed in; a sender
    beating, so that /health answers 200 (it is 503 without one: violeta/messaging/tests/test_health.py)."""
    SenderHeartbeat.objects.create(name="test:1")
    account = MiaAccount.objects.create(
        phone="+526144900789", display_name="Ana", pin_hash="!", duress_pin_hash=""
    )
    token = new_token(32)
    MiaDevice.objects.create(account=account, token_hash=token_hash(token))
    for number in ("+526561234501", "+526561234502"):
        contact_add(account=account, name="Contacto", phone=number)
    alert, _created = alert_raise(account=account, client_id=str(uuid.uuid4()))
    business = card_factories.merchant()
    MerchantAccount.objects.create(user=merchant, merchant=business, branch=card_factories.branch(business))
    client = Client()
    client.force_login(merchant)
    return {
        "headers": {"Authorization": f"Bearer {token}", "X-CSRFToken": CSRF},
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF},
        "alert_id": str(alert.public_id),
        "contact_id": account.contacts.first().pk,
    }


def _aim(case, credentials) -> None:
    """Point well-formed ids at her own alert and contact, so the paths behind the 404 are fuzzed too (random
    UUIDs never exist); malformed ids (the negative cases) are left as generated."""
    params = case.path_parameters
    if not params:
        return
    try:
        uuid.UUID(str(params.get("alert_id")))
    except ValueError:
        pass
    else:
        params["alert_id"] = credentials["alert_id"]
    if type(params.get("contact_id")) is int:
        params["contact_id"] = credentials["contact_id"]


# The schema /api/v1/openapi.json serves, built the same way (schemathesis' lazy ``from_fixture`` does not run
# under pytest 9). Building it needs no database; the requests run inside the test.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_as_its_schema_says(case, credentials, wsgi_app):
    _aim(case, credentials)
    cookies = dict(credentials["cookies"])
    if case.cookies is not None and "sessionid" not in case.cookies:
        # A negative case that drops the session cookie the schema requires: send it without one too, or the
        # real session put back here would make the missing cookie look accepted.
        cookies.pop("sessionid")
    response = case.call(app=wsgi_app, headers=credentials["headers"], cookies=cookies)
    case.validate_response(response, checks=CHECKS)
