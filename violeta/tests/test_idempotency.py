"""Issue 13, "What to build" 5: clients can retry safely. Every creating endpoint of the API takes an
``Idempotency-Key``: the same key twice creates one thing and answers the same; the same key with another body
is refused (422); a key whose request still runs is busy (409); errors are not kept. MIA's alert keeps its
domain-level ``client_id`` (tested with the MIA API in violeta/alerts/tests/test_api.py).
"""

import threading
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from violeta.alerts.models import AlertLocation, EmergencyContact, MiaAccount, PhoneVerification
from violeta.alerts.tests.test_api import (  # noqa: F401
    HER_PHONE,
    Api,
    her,
    otp_from_sms,
    raise_alert,
    run_worker,
    sms_outbox,
)
from violeta.api import api
from violeta.core import idempotency
from violeta.core.models import IdempotencyRecord
from violeta.testing.db import raw_row

pytestmark = pytest.mark.django_db


def post(api_client: Api, path: str, body: dict, key: str):
    return api_client.client.post(
        "/api/v1/mia" + path,
        body,
        content_type="application/json",
        headers={**api_client._headers(), "Idempotency-Key": key},
    )


def assert_same(first, second):
    assert second.status_code == first.status_code, second.content
    assert second.json() == first.json()


def test_every_creating_endpoint_declares_the_header():
    """Each POST of the API that creates something takes the key (or, for the alert, its client_id)."""
    creating = {
        "/api/v1/mia/otp",
        "/api/v1/mia/register",
        "/api/v1/mia/contacts",
        "/api/v1/mia/alerts/{alert_id}/locations",
    }
    schema = api.get_openapi_schema()
    paths = schema["paths"]
    for path in creating:
        operation = paths[path]["post"]
        header = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert header and header[0]["in"] == "header" and "retry" in header[0]["description"]
        assert {"409", "422"} <= set(map(str, operation["responses"]))
    alert = paths["/api/v1/mia/alerts"]["post"]
    assert alert["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AlertIn")
    assert (
        "Idempotency" in schema["components"]["schemas"]["AlertIn"]["properties"]["client_id"]["description"]
    )


#: The POSTs that create nothing (a check, a cancellation, a validation) or carry their own key (the alert).
NOT_CREATING = {
    "/api/v1/mia/otp/verify",
    "/api/v1/mia/alerts",  # client_id in the body
    "/api/v1/mia/alerts/{alert_id}/cancel",
    "/api/v1/mia/alerts/{alert_id}/end-test",  # ends a test alert: creates nothing
    "/api/v1/mia/timers",  # client_id in the body, as the alert
    "/api/v1/mia/timers/{timer_id}/end",  # ends a trip timer with her PIN, as the cancellation
    "/api/v1/card/validate",
}


def test_a_new_post_endpoint_must_choose():
    """A POST added later either takes the Idempotency-Key or is named here as creating nothing."""
    without = {
        path
        for path, operations in api.get_openapi_schema()["paths"].items()
        if "post" in operations
        and not any(p["name"] == "Idempotency-Key" for p in operations["post"].get("parameters", []))
    }
    assert without == NOT_CREATING


# --- Each creating endpoint, twice -----------------------------------------------------------------------------


def test_otp_request_twice_sends_one_code(client, sms_outbox):  # noqa: F811
    anyone = Api(client)
    key = str(uuid.uuid4())
    first = post(anyone, "/otp", {"phone": HER_PHONE}, key)
    assert first.status_code == 202
    second = post(anyone, "/otp", {"phone": HER_PHONE}, key)  # without the key this would be 429 otp_wait
    assert_same(first, second)
    assert PhoneVerification.objects.count() == 1


def test_register_twice_creates_one_account_and_gives_the_same_token(client, sms_outbox):  # noqa: F811
    anyone = Api(client)
    assert anyone.post("/otp", {"phone": HER_PHONE}).status_code == 202
    run_worker()
    code = otp_from_sms(sms_outbox, "+526144900789")
    assert anyone.post("/otp/verify", {"phone": HER_PHONE, "code": code}).status_code == 200
    # A name long enough that random ciphertext cannot contain it by chance ("Ana" once did).
    name = "Anastasia Wilhelmina"
    body = {"phone": HER_PHONE, "code": code, "display_name": name, "pin": "1234"}
    key = str(uuid.uuid4())
    first = post(anyone, "/register", body, key)
    assert first.status_code == 201, first.content
    second = post(anyone, "/register", body, key)
    assert_same(first, second)
    assert MiaAccount.objects.count() == 1
    assert Api(client, second.json()["token"]).get("/me").status_code == 200
    # The kept answer holds her device token, yet the database does not: it is sealed with the client's key.
    row = raw_row("core_idempotencyrecord", IdempotencyRecord.objects.get().pk)
    assert not any(first.json()["token"] in str(value) for value in row)
    assert not any(name in str(value) for value in row)


def test_contact_add_twice_adds_one_contact(her):  # noqa: F811
    before = EmergencyContact.objects.count()
    key = str(uuid.uuid4())
    body = {"name": "Rosa", "phone": "614 555 0199"}
    first = post(her, "/contacts", body, key)
    assert first.status_code == 201, first.content
    assert_same(first, post(her, "/contacts", body, key))
    assert EmergencyContact.objects.count() == before + 1


def test_location_twice_stores_one_location(her):  # noqa: F811
    alert = raise_alert(her)
    key = str(uuid.uuid4())
    body = {"lat": 28.63, "lon": -106.08, "accuracy": 20}
    first = post(her, f"/alerts/{alert['id']}/locations", body, key)
    assert first.status_code == 201, first.content
    assert_same(first, post(her, f"/alerts/{alert['id']}/locations", body, key))
    assert AlertLocation.objects.count() == 1


def test_the_alert_keeps_its_client_id(her):  # noqa: F811
    client_id = str(uuid.uuid4())
    first = her.post("/alerts", {"client_id": client_id})
    again = her.post("/alerts", {"client_id": client_id})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


# --- Misuse and edges ------------------------------------------------------------------------------------------


def test_the_same_key_with_another_body_is_refused(her):  # noqa: F811
    key = str(uuid.uuid4())
    assert post(her, "/contacts", {"name": "Rosa", "phone": "614 555 0199"}, key).status_code == 201
    response = post(her, "/contacts", {"name": "Lupe", "phone": "614 555 0198"}, key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not EmergencyContact.objects.filter(name="Lupe").exists()


def test_the_same_key_on_another_alert_is_refused(her):  # noqa: F811
    key = str(uuid.uuid4())
    body = {"lat": 28.63, "lon": -106.08, "accuracy": 20}
    first_alert = raise_alert(her)
    assert post(her, f"/alerts/{first_alert['id']}/locations", body, key).status_code == 201
    her.post(f"/alerts/{first_alert['id']}/cancel", {"pin": "1234"})
    second_alert = raise_alert(her)
    response = post(her, f"/alerts/{second_alert['id']}/locations", body, key)
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"


def test_the_key_is_hers_alone(client, her, sms_outbox):  # noqa: F811
    """Another account using the same key (a badly made client) creates its own, and sees nothing of hers."""
    from violeta.alerts.tests.test_api import sign_up

    key = str(uuid.uuid4())
    body = {"name": "Rosa", "phone": "614 555 0199"}
    mine = post(her, "/contacts", body, key)
    other = sign_up(Client(), sms_outbox, phone="614 490 0700", name="Bea")
    theirs = post(other, "/contacts", body, key)
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]


def test_an_error_is_not_kept_and_the_retry_runs_again(her):  # noqa: F811
    key = str(uuid.uuid4())
    body = {"name": "Rosa", "phone": "614 555 0199"}
    with mock.patch("violeta.alerts.services.contacts.contact_add", side_effect=RuntimeError("boom")):
        failed = Client(raise_request_exception=False).post(
            "/api/v1/mia/contacts",
            body,
            content_type="application/json",
            headers={**her._headers(), "Idempotency-Key": key},
        )
    assert failed.status_code == 500
    assert not IdempotencyRecord.objects.exists()
    assert post(her, "/contacts", body, key).status_code == 201


def test_a_refusal_is_not_kept(her):  # noqa: F811
    key = str(uuid.uuid4())
    refused = post(her, "/contacts", {"name": "Rosa", "phone": "123"}, key)
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert post(her, "/contacts", {"name": "Rosa", "phone": "123"}, key).status_code == 400


def test_a_key_still_running_is_busy(her):  # noqa: F811
    key = str(uuid.uuid4())
    body = {"name": "Rosa", "phone": "614 555 0199"}
    seen = {}

    real = idempotency._claim

    def claim_twice(**kwargs):
        outcome = real(**kwargs)
        if not seen:  # while the first request holds the key, its retry arrives
            seen["inner"] = None
            seen["inner"] = post(her, "/contacts", body, key)
        return outcome

    with mock.patch.object(idempotency, "_claim", side_effect=claim_twice):
        first = post(her, "/contacts", body, key)
    assert first.status_code == 201
    busy = seen["inner"]
    assert busy.status_code == 409
    assert busy.json()["code"] == "idempotency_key_in_progress"
    assert busy["Retry-After"] == "1"
    assert EmergencyContact.objects.filter(name="Rosa").count() == 1


def test_an_abandoned_claim_is_taken_over(her):  # noqa: F811
    """A process killed mid-request leaves its claim behind; after IDEMPOTENCY_LOCK_SECONDS a retry runs again."""
    key = str(uuid.uuid4())
    body = {"name": "Rosa", "phone": "614 555 0199"}
    assert post(her, "/contacts", body, key).status_code == 201
    IdempotencyRecord.objects.update(status=None, response="", created_at=timezone.now())
    assert post(her, "/contacts", body, key).status_code == 409  # still fresh: busy
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    response = post(her, "/contacts", body, key)
    # Run again: the service refuses the number she already has (an honest answer, not a busy key), and the
    # refusal is not kept.
    assert response.status_code == 400 and response.json()["code"] == "phone"
    assert not IdempotencyRecord.objects.exists()


def test_an_expired_key_runs_again_and_expired_records_are_purged(her):  # noqa: F811
    key = str(uuid.uuid4())
    body = {"name": "Rosa", "phone": "614 555 0199"}
    post(her, "/contacts", body, key)
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert idempotency.purge_expired() == 1
    response = post(her, "/contacts", body, key)
    assert response.status_code == 400  # ran again: she already has that contact


def test_the_ttl_comes_from_the_settings(her, settings):  # noqa: F811
    settings.IDEMPOTENCY_TTL_SECONDS = 60
    post(her, "/contacts", {"name": "Rosa", "phone": "614 555 0199"}, str(uuid.uuid4()))
    record = IdempotencyRecord.objects.get()
    assert record.expires_at - record.created_at == timedelta(seconds=60)


@pytest.mark.parametrize("key", ["short", "x" * 256])
def test_a_malformed_key_is_400(her, key):  # noqa: F811
    response = post(her, "/contacts", {"name": "Rosa", "phone": "614 555 0199"}, key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_without_a_key_nothing_changes(her):  # noqa: F811
    her.post("/contacts", {"name": "Rosa", "phone": "614 555 0199"})
    assert not IdempotencyRecord.objects.exists()


# --- Two requests at once, for real (PostgreSQL) -----------------------------------------------------------


@pytest.mark.skipif(not django_settings.USING_POSTGRES, reason="two connections at once")
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_create_one_contact(her):  # noqa: F811
    """The second request arrives while the first is inside the service: the unique scope makes it busy."""
    from violeta.alerts.services import contacts as contact_services

    key = str(uuid.uuid4())
    body = {"name": "Rosa", "phone": "614 555 0199"}
    inside, release = threading.Event(), threading.Event()
    real = contact_services.contact_add
    answers = {}

    def slow_contact_add(**kwargs):
        inside.set()
        assert release.wait(10)
        return real(**kwargs)

    def first():
        try:
            answers["first"] = post(her, "/contacts", body, key)
        finally:
            connection.close()

    with mock.patch.object(contact_services, "contact_add", side_effect=slow_contact_add):
        thread = threading.Thread(target=first)
        thread.start()
        assert inside.wait(10)
        answers["second"] = post(Api(Client(), her.token), "/contacts", body, key)
        release.set()
        thread.join(10)
    assert answers["first"].status_code == 201
    assert answers["second"].status_code == 409
    assert EmergencyContact.objects.filter(name="Rosa").count() == 1
    assert_same(answers["first"], post(her, "/contacts", body, key))
