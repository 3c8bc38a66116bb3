"""Issue 13, finding 7: every failure under /api/ answers JSON ``{"detail": <Spanish>, "code": <stable code>}``,
the database being down included (503 with Retry-After, not ``text/html`` "Server Error (500)"); staff pages
during an outage get a Spanish 503 page with Retry-After.

The outage is simulated without touching the shared server: every new cursor raises OperationalError (the
connection is "gone"), as psycopg and sqlite3 do when the server is unreachable. The end-to-end check on
PostgreSQL (at the bottom) really terminates the connection's backend.
"""

import json
import time
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import InterfaceError, OperationalError, close_old_connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from violeta.alerts.models import MiaAccount, MiaDevice
from violeta.api import ERROR_CODES
from violeta.core.tokens import new_token, token_hash

pytestmark = pytest.mark.django_db

MIA = "/api/v1/mia"


def spanish(msgid: str) -> str:
    with translation.override("es-mx"):
        return gettext(msgid)


@contextmanager
def database_down(error=OperationalError):
    """Every query from here on fails as with the server unreachable."""

    def refuse(self):
        raise error('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"] == code, body
    assert ERROR_CODES[code][0] == status  # documented in docs/api.md (test_api_docs.py)
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture
def raw_client():
    """A client that, like a real server, answers a server error instead of re-raising it in the test."""
    return Client(raise_request_exception=False)


@pytest.fixture
def device_token(db):
    account = MiaAccount.objects.create(phone="+526144900789", display_name="Ana", pin_hash="!")
    token = new_token(32)
    MiaDevice.objects.create(account=account, token_hash=token_hash(token))
    return token


# --- The database is down ----------------------------------------------------------------------------------------


def assert_database_unavailable(response):
    body = assert_json_error(response, 503, "database_unavailable")
    assert body["detail"] == spanish("The service is temporarily unavailable. Try again in a few seconds.")
    assert response["Retry-After"] == str(django_settings.DATABASE_RETRY_AFTER_SECONDS)
    assert "127.0.0.1" not in response.content.decode()


def test_mia_call_with_a_token_while_the_database_is_down(raw_client, device_token):
    with database_down():
        response = raw_client.get(f"{MIA}/me", headers={"Authorization": f"Bearer {device_token}"})
    assert_database_unavailable(response)


def test_mia_alert_while_the_database_is_down(raw_client, device_token):
    with database_down():
        response = raw_client.post(
            f"{MIA}/alerts",
            {"client_id": str(uuid.uuid4())},
            content_type="application/json",
            headers={"Authorization": f"Bearer {device_token}"},
        )
    assert_database_unavailable(response)


def test_unauthenticated_mia_call_while_the_database_is_down(raw_client):
    with database_down(InterfaceError):
        response = raw_client.post(f"{MIA}/otp", {"phone": "614 490 0789"}, content_type="application/json")
    assert_database_unavailable(response)


def test_session_api_call_fails_in_the_middleware_and_still_answers_json(raw_client, merchant):
    """The session is read by the middleware, before any view: the error is raised outside django-ninja."""
    raw_client.force_login(merchant)
    with database_down():
        response = raw_client.post("/api/v1/card/validate", {"number": "1"}, content_type="application/json")
    assert_database_unavailable(response)


def test_retry_after_comes_from_the_settings(raw_client, settings):
    settings.DATABASE_RETRY_AFTER_SECONDS = 12
    with database_down():
        response = raw_client.post(f"{MIA}/otp", {"phone": "614 490 0789"}, content_type="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "12"


def test_staff_page_while_the_database_is_down_is_a_spanish_503(raw_client, lawyer):
    raw_client.force_login(lawyer)
    with database_down():
        response = raw_client.get("/expedientes/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(django_settings.DATABASE_RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert spanish("The service is temporarily unavailable") in page
    assert "Server Error" not in page


def test_public_page_while_the_database_is_down_is_a_spanish_503(raw_client):
    with database_down():
        response = raw_client.get("/tarjeta/comercios/")  # the public directory reads the database
    assert response.status_code == 503
    assert response["Retry-After"] == str(django_settings.DATABASE_RETRY_AFTER_SECONDS)
    assert "Server Error" not in response.content.decode()


# --- Every other failure mode --------------------------------------------------------------------------------


def test_invalid_input_is_400_invalid(client, device_token):
    response = client.post(
        f"{MIA}/contacts", {"name": "Rosa"}, content_type="application/json",
        headers={"Authorization": f"Bearer {device_token}"},
    )  # fmt: skip
    body = assert_json_error(response, 400, "invalid")
    assert body["fields"] == ["phone"]


def test_no_token_is_401_unauthorized(client):
    response = client.get(f"{MIA}/me")
    assert_json_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_role_that_may_not_is_403_forbidden(client, lawyer):
    client.force_login(lawyer)
    response = client.post("/api/v1/card/validate", {"number": "1"}, content_type="application/json")
    body = assert_json_error(response, 403, "forbidden")
    assert body["detail"] == spanish("Only an affiliated business can validate cards.")


def test_a_session_call_without_csrf_token_is_403_csrf_failed(merchant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(merchant)
    response = client.post("/api/v1/card/validate", {"number": "1"}, content_type="application/json")
    body = assert_json_error(response, 403, "csrf_failed")
    assert body["detail"] == spanish(
        "The security token of the request is missing or expired. Reload and try again."
    )


def test_an_expired_staff_session_on_the_api_is_401_not_a_redirect(client, merchant):
    client.force_login(merchant)
    session = client.session
    session["violeta_signed_in_at"] = int(time.time()) - 11 * 60 * 60
    session.save()
    response = client.post("/api/v1/card/validate", {"number": "1"}, content_type="application/json")
    assert_json_error(response, 401, "session_expired")


def test_unknown_resource_inside_a_router_is_404(client, device_token):
    response = client.get(f"{MIA}/alerts/{uuid.uuid4()}", headers={"Authorization": f"Bearer {device_token}"})
    assert_json_error(response, 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/nonexistent", "/api/v1/mia/nada", "/api/v2/mia/me", "/api/"])
def test_unknown_path_under_api_is_json_404(client, path):
    response = client.get(path)
    body = assert_json_error(response, 404, "not_found")
    assert body["detail"] == spanish("Not found.")


def test_wrong_method_is_405_with_allow(client):
    response = client.get(f"{MIA}/otp")
    assert_json_error(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_a_body_too_large_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(f"{MIA}/otp", {"phone": "6" * 2000}, content_type="application/json")
    assert_json_error(response, 413, "payload_too_large")


def test_not_json_is_400_invalid(client):
    response = client.post(f"{MIA}/otp", "{no", content_type="application/json")
    assert_json_error(response, 400, "invalid")


def test_rate_limit_is_429_with_retry_after(client, settings):
    settings.SMS_BACKEND = "violeta.alerts.sms.locmem.LocmemBackend"
    assert (
        client.post(f"{MIA}/otp", {"phone": "614 490 0789"}, content_type="application/json").status_code
        == 202
    )
    response = client.post(f"{MIA}/otp", {"phone": "614 490 0789"}, content_type="application/json")
    assert_json_error(response, 429, "otp_wait")
    assert response["Retry-After"] == str(django_settings.MIA["OTP_RESEND_SECONDS"])


def test_an_unhandled_error_is_500_json_without_details(raw_client):
    secret = "Ana López 6144900789"
    with mock.patch("violeta.alerts.services.accounts.otp_request", side_effect=RuntimeError(secret)):
        response = raw_client.post(f"{MIA}/otp", {"phone": "614 490 0789"}, content_type="application/json")
    body = assert_json_error(response, 500, "server_error")
    text = json.dumps(body, ensure_ascii=False)
    assert secret not in text and "Traceback" not in text and "RuntimeError" not in text


def test_an_unhandled_error_in_a_middleware_is_500_json(raw_client):
    with mock.patch("violeta.core.middleware.client_ip", side_effect=RuntimeError("boom")):
        response = raw_client.get(f"{MIA}/me")
    assert_json_error(response, 500, "server_error")


def test_a_programming_error_from_the_database_is_500_not_503(raw_client):
    from django.db import ProgrammingError

    with mock.patch(
        "violeta.alerts.services.accounts.otp_request", side_effect=ProgrammingError("no such table")
    ):
        response = raw_client.post(f"{MIA}/otp", {"phone": "614 490 0789"}, content_type="application/json")
    assert_json_error(response, 500, "server_error")


# --- The real thing, on PostgreSQL ----------------------------------------------------------------------------


@pytest.mark.skipif(not django_settings.USING_POSTGRES, reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_a_terminated_postgres_connection_answers_503_json_and_the_next_call_reconnects(device_token):
    """A real outage of this process's connection: its backend is terminated from another connection. The call
    that meets the dead connection answers 503 JSON; the next one opens a new connection and succeeds."""
    import psycopg
    from django.db import connection

    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {device_token}"}
    assert client.get(f"{MIA}/me", headers=headers).status_code == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    admin_params = {k: params[k] for k in ("host", "port", "user", "password", "dbname") if params.get(k)}
    with psycopg.connect(**admin_params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    response = client.get(f"{MIA}/me", headers=headers)
    assert_database_unavailable(response)
    # A server drops a broken connection when the request ends (request_finished runs close_old_connections,
    # which the test client leaves out): the next request connects again.
    close_old_connections()
    response = client.get(f"{MIA}/me", headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "Ana"
