"""The MIA JSON API end to end: sign-up by SMS code, contacts, an alert with its SMS before any location, the
location, cancellation (and duress), bad input, and who may see what. SMS go to the locmem backend; queued
tasks are run by the database worker in batch mode, as the real worker would run them."""

import json
import math
import re
import uuid

import pytest
from django.utils import translation
from django.utils.translation import gettext

from violeta.alerts.models import (
    Alert,
    AlertLocation,
    AlertStatus,
    EmergencyContact,
    MiaAccount,
    PhoneVerification,
)
from violeta.alerts.tests.factories import run_tasks
from violeta.messaging.backends import locmem
from violeta.messaging.models import Message, MessageKind
from violeta.messaging.text import is_single_gsm7_segment

pytestmark = [pytest.mark.tasks, pytest.mark.django_db]

API = "/api/v1/mia"
HER_PHONE = "614 490 0789"
CONTACT_PHONES = ["+52 656 123 4501", "6561234502", "(614) 555 0103", "+1 915 555 0104", "614-555-0105"]


def spanish(msgid: str) -> str:
    with translation.override("es-mx"):
        return gettext(msgid)


def run_worker():
    """Run the queued tasks and send the queued messages, as the worker and the sender do."""
    run_tasks()


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


class Api:
    """A small JSON client for the API, with or without a device token."""

    def __init__(self, client, token: str = ""):
        self.client = client
        self.token = token

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def call(self, method: str, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json", "headers": self._headers()}
        if data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(API + path, **kwargs)

    def get(self, path):
        return self.call("get", path)

    def post(self, path, body=None, raw=None):
        return self.call("post", path, body, raw)

    def patch(self, path, body):
        return self.call("patch", path, body)

    def delete(self, path):
        return self.call("delete", path)


def otp_from_sms(outbox, phone_e164: str) -> str:
    bodies = [m["body"] for m in outbox if m["to"] == phone_e164]
    assert bodies, f"no SMS to {phone_e164}"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def sign_up(client, outbox, phone=HER_PHONE, name="Ana", pin="1234", duress_pin="") -> Api:
    api = Api(client)
    response = api.post("/otp", {"phone": phone})
    assert response.status_code == 202, response.content
    run_worker()
    e164 = PhoneVerification.objects.latest("created_at").phone
    code = otp_from_sms(outbox, e164)
    assert api.post("/otp/verify", {"phone": phone, "code": code}).status_code == 200
    body = {"phone": phone, "code": code, "display_name": name, "pin": pin, "duress_pin": duress_pin}
    response = api.post("/register", body)
    assert response.status_code == 201, response.content
    return Api(client, response.json()["token"])


def with_contacts(api: Api, n: int = 2) -> list[dict]:
    added = []
    for i in range(n):
        response = api.post("/contacts", {"name": f"Contacto {i + 1}", "phone": CONTACT_PHONES[i]})
        assert response.status_code == 201, response.content
        added.append(response.json())
    return added


@pytest.fixture
def her(client, sms_outbox) -> Api:
    api = sign_up(client, sms_outbox, duress_pin="9999")
    with_contacts(api, 2)
    run_worker()
    sms_outbox.clear()
    return api


def raise_alert(api: Api) -> dict:
    response = api.post("/alerts", {"client_id": str(uuid.uuid4())})
    assert response.status_code == 201, response.content
    return response.json()


# --- Sign-up ---------------------------------------------------------------------------------------------------


def test_sign_up_end_to_end(client, sms_outbox):
    api = Api(client)
    assert api.post("/otp", {"phone": HER_PHONE}).status_code == 202
    run_worker()
    assert len(sms_outbox) == 1
    otp_sms = sms_outbox[0]
    assert otp_sms["to"] == "+526144900789"
    assert "MIA" not in otp_sms["body"]  # the code says nothing about the app
    code = otp_from_sms(sms_outbox, "+526144900789")

    wrong = api.post("/otp/verify", {"phone": HER_PHONE, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == spanish("The code is not valid or has expired. Ask for a new one.")
    assert api.post("/otp/verify", {"phone": HER_PHONE, "code": code}).json() == {"verified": True}

    response = api.post(
        "/register",
        {
            "phone": HER_PHONE,
            "code": code,
            "display_name": "Ana",
            "pin": "1234",
            "duress_pin": "9999",
            "disguise": "notes",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert len(body["token"]) > 30
    assert body["account"] == {
        "display_name": "Ana",
        "phone_masked": "*** *** 0789",
        "disguise": "notes",
        "countdown_seconds": 5,
        "update_interval_seconds": 120,
        "has_duress_pin": True,
        "max_contacts": 5,
        "contact_channels": ["sms"],
    }
    me = Api(client, body["token"]).get("/me")
    assert me.status_code == 200 and me.json()["display_name"] == "Ana"
    assert MiaAccount.objects.get().phone == "+526144900789"


def test_register_without_a_verified_code_is_refused(client, sms_outbox):
    api = Api(client)
    api.post("/otp", {"phone": HER_PHONE})
    run_worker()
    code = otp_from_sms(sms_outbox, "+526144900789")
    response = api.post("/register", {"phone": HER_PHONE, "code": code, "display_name": "Ana", "pin": "1234"})
    assert response.status_code == 400
    assert response.json() == {"detail": spanish("Verify your phone number first."), "code": "code"}
    assert not MiaAccount.objects.exists()


def test_asking_again_too_soon_is_429(client):
    api = Api(client)
    assert api.post("/otp", {"phone": HER_PHONE}).status_code == 202
    response = api.post("/otp", {"phone": HER_PHONE})
    assert response.status_code == 429
    assert response.json() == {
        "detail": spanish("Wait a minute before asking for another code."),
        "code": "otp_wait",
    }
    assert PhoneVerification.objects.count() == 1


def test_otp_brute_force_is_cut_off(client, sms_outbox):
    api = Api(client)
    api.post("/otp", {"phone": HER_PHONE})
    run_worker()
    code = otp_from_sms(sms_outbox, "+526144900789")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert api.post("/otp/verify", {"phone": HER_PHONE, "code": wrong}).status_code == 400
    response = api.post("/otp/verify", {"phone": HER_PHONE, "code": code})  # even the right one, now
    assert response.status_code == 429
    assert response.json() == {
        "detail": spanish("Too many wrong codes. Ask for a new one."),
        "code": "otp_locked",
    }
    register = {"phone": HER_PHONE, "code": code, "display_name": "Ana", "pin": "1234"}
    assert api.post("/register", register).status_code == 400
    assert not MiaAccount.objects.exists()


def test_a_malformed_phone_gets_a_clear_error_and_nothing_is_stored(client, sms_outbox):
    api = Api(client)
    response = api.post("/otp", {"phone": "12ab"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "phone"
    assert body["detail"] == spanish(
        "“%(value)s” is not a phone number. Enter 10 digits, for example 614 490 0789."
    ) % {"value": "12ab"}
    assert not PhoneVerification.objects.exists() and not Message.objects.exists()


def test_the_phone_never_travels_in_the_url():
    from violeta.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/mia/"):
            continue
        for operation in operations.values():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert not names, f"{path} takes query parameters {names}"


# --- Settings --------------------------------------------------------------------------------------------------


def test_settings_update(her):
    response = her.patch("/me", {"countdown_seconds": 10, "disguise": "calculator"})
    assert response.status_code == 200
    assert response.json()["countdown_seconds"] == 10 and response.json()["disguise"] == "calculator"
    bad = her.patch("/me", {"countdown_seconds": 1})
    assert bad.status_code == 400
    assert bad.json()["detail"] == spanish("The countdown lasts between 3 and 30 seconds.")
    assert MiaAccount.objects.get().countdown_seconds == 10
    assert her.patch("/me", {"disguise": "banana"}).status_code == 400


# --- Contacts --------------------------------------------------------------------------------------------------


def test_contacts_are_masked_and_at_most_five(client, sms_outbox):
    api = sign_up(client, sms_outbox)
    with_contacts(api, 5)
    listed = api.get("/contacts").json()
    assert [c["phone_masked"] for c in listed] == [
        "*** *** 4501",
        "*** *** 4502",
        "*** *** 0103",
        "*** *** 0104",
        "*** *** 0105",
    ]
    assert all(
        set(c) == {"id", "name", "phone_masked", "confirmed", "delivery_problem", "channel", "principal"}
        for c in listed
    )
    assert not any(c["confirmed"] for c in listed)
    assert "656" not in json.dumps(listed)

    sixth = api.post("/contacts", {"name": "Sexta", "phone": "614 555 0106"})
    assert sixth.status_code == 400
    assert sixth.json() == {"detail": spanish("You can have up to %(n)d contacts.") % {"n": 5}, "code": "max"}
    assert EmergencyContact.objects.count() == 5

    # each one got an invitation
    run_worker()
    invitations = [m for m in sms_outbox if m["to"] != "+526144900789"]
    assert len(invitations) == 5

    # removing one makes room; removing it twice, or someone else's, is 404
    first = listed[0]["id"]
    assert api.delete(f"/contacts/{first}").status_code == 204
    assert api.delete(f"/contacts/{first}").status_code == 404
    assert len(api.get("/contacts").json()) == 4
    assert api.post("/contacts", {"name": "Sexta", "phone": "614 555 0106"}).status_code == 201


def test_a_confirmed_contact_shows_confirmed(her):
    contact = EmergencyContact.objects.first()
    from violeta.alerts.services.contacts import contact_confirm
    from violeta.alerts.tests.factories import token_in

    invitation = Message.objects.get(kind=MessageKind.INVITATION, to_phone=contact.phone)
    contact_confirm(token=token_in(invitation.body, "c"))
    listed = her.get("/contacts").json()
    assert [c["confirmed"] for c in listed] == [True, False]


def test_a_malformed_contact_phone_gets_a_clear_error_and_nothing_is_stored(her):
    before = EmergencyContact.objects.count()
    response = her.post("/contacts", {"name": "Tía", "phone": "555"})
    assert response.status_code == 400
    assert response.json()["code"] == "phone"
    assert "555" in response.json()["detail"]
    assert EmergencyContact.objects.count() == before
    assert not Message.objects.filter(to_phone__endswith="555").exists()


def test_fallback_gives_full_numbers_and_the_prepared_message(her):
    body = her.get("/contacts/fallback").json()
    assert body["numbers"] == ["+526561234501", "+526561234502"]
    assert "Ana" in body["message"] and is_single_gsm7_segment(body["message"])
    assert body["sms_link"].startswith("sms:+526561234501,+526561234502?body=")


# --- Alerts ----------------------------------------------------------------------------------------------------


def test_alert_queues_one_sms_per_contact_before_any_location(her, sms_outbox):
    client_id = str(uuid.uuid4())
    response = her.post("/alerts", {"client_id": client_id})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "active"
    alert = Alert.objects.get(public_id=body["id"])
    assert not AlertLocation.objects.exists()
    assert Message.objects.filter(alert_link__alert=alert, kind=MessageKind.ALERT).count() == 2

    # the same press again (a retry on a bad network) is the same alert, and no new SMS
    again = her.post("/alerts", {"client_id": client_id})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Alert.objects.count() == 1 and Message.objects.filter(alert_link__alert=alert).count() == 2

    run_worker()
    assert sorted(m["to"] for m in sms_outbox) == ["+526561234501", "+526561234502"]
    for message in sms_outbox:
        assert "Ana" in message["body"]
        assert re.search(r"https?://\S+/a/[\w-]+/", message["body"])
        assert not re.search(r"\d+\.\d{3,}", message["body"]), "no coordinates in the alert SMS"
        assert is_single_gsm7_segment(message["body"])
    assert not AlertLocation.objects.exists()

    # then the location: stored, and each contact is told the page now shows it
    sms_outbox.clear()
    response = her.post(f"/alerts/{body['id']}/locations", {"lat": 28.6353, "lon": -106.0889, "accuracy": 20})
    assert response.status_code == 201
    location = AlertLocation.objects.get()
    assert location.lat_lon == (28.6353, -106.0889)
    assert location.accuracy_m == 20
    assert Message.objects.filter(alert_link__alert=alert, kind=MessageKind.LOCATION).count() == 2
    run_worker()
    assert sorted(m["to"] for m in sms_outbox) == ["+526561234502", "+526561234501"][::-1]
    assert all("28.63" not in m["body"] for m in sms_outbox)

    # a second fix is stored without more SMS
    her.post(f"/alerts/{body['id']}/locations", {"lat": 28.64, "lon": -106.09, "accuracy": 35})
    assert AlertLocation.objects.count() == 2
    assert Message.objects.filter(alert_link__alert=alert, kind=MessageKind.LOCATION).count() == 2


def test_alert_without_contacts_is_refused(client, sms_outbox):
    api = sign_up(client, sms_outbox)
    response = api.post("/alerts", {"client_id": str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.json()["code"] == "no_contacts"


@pytest.mark.parametrize(
    "payload",
    [
        {"lat": 91, "lon": -106.0889, "accuracy": 20},
        {"lat": 28.6, "lon": 181, "accuracy": 20},
        {"lat": "abc", "lon": -106.0889, "accuracy": 20},
        {"lat": 28.6, "lon": -106.0889, "accuracy": -5},
        {"lat": 28.6, "lon": -106.0889},
        {"lat": None, "lon": -106.0889, "accuracy": 20},
    ],
)
def test_malformed_coordinates_get_a_clear_error_and_nothing_is_stored(her, payload):
    alert = raise_alert(her)
    sms_before = Message.objects.count()
    response = her.post(f"/alerts/{alert['id']}/locations", payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and body["code"] in ("location", "invalid")
    if body["code"] == "location":
        assert body["detail"] == spanish("The location is not valid.")
    assert not AlertLocation.objects.exists()
    assert Message.objects.count() == sms_before


@pytest.mark.parametrize("field", ["lat", "lon", "accuracy"])
def test_nan_coordinates_are_refused(her, field):
    alert = raise_alert(her)
    payload = {"lat": 28.6, "lon": -106.0, "accuracy": 20, field: math.nan}
    raw = json.dumps(payload)  # Python writes NaN, as a careless client might
    response = her.post(f"/alerts/{alert['id']}/locations", raw=raw)
    assert response.status_code == 400
    assert response.json()["detail"] == spanish("The location is not valid.")
    assert not AlertLocation.objects.exists()


def test_cancel_with_her_pin(her, sms_outbox):
    alert = raise_alert(her)
    response = her.post(f"/alerts/{alert['id']}/cancel", {"pin": "1234"})
    assert response.status_code == 200 and response.json() == {"status": "cancelled"}
    stored = Alert.objects.get()
    assert stored.status == AlertStatus.CANCELLED and not stored.is_duress
    assert her.get(f"/alerts/{alert['id']}").json()["status"] == "cancelled"
    # locations stop being accepted
    late = her.post(f"/alerts/{alert['id']}/locations", {"lat": 28.6, "lon": -106.0, "accuracy": 20})
    assert late.status_code == 400 and late.json()["code"] == "inactive"


def test_duress_pin_says_cancelled_but_the_alert_stays_active_and_flagged(her):
    alert = raise_alert(her)
    response = her.post(f"/alerts/{alert['id']}/cancel", {"pin": "9999"})
    assert response.status_code == 200 and response.json() == {"status": "cancelled"}
    stored = Alert.objects.get()
    assert stored.status == AlertStatus.ACTIVE and stored.is_duress
    assert stored.escalation_reason == "duress"
    state = her.get(f"/alerts/{alert['id']}").json()
    assert state["status"] == "cancelled" and state["acknowledgements"] == []
    # the app keeps sending her location quietly, and it is kept
    assert (
        her.post(f"/alerts/{alert['id']}/locations", {"lat": 28.6, "lon": -106.0, "accuracy": 9}).status_code
        == 201
    )
    assert AlertLocation.objects.count() == 1


def test_wrong_pin_is_a_spanish_400_and_the_alert_stays(her):
    alert = raise_alert(her)
    response = her.post(f"/alerts/{alert['id']}/cancel", {"pin": "0000"})
    assert response.status_code == 400
    assert response.json() == {"detail": spanish("Wrong PIN."), "code": "pin"}
    assert Alert.objects.get().status == AlertStatus.ACTIVE


def test_too_many_wrong_pins_lock_cancellation(her, settings):
    alert = raise_alert(her)
    for _ in range(settings.MIA["PIN_MAX_FAILURES"]):
        assert her.post(f"/alerts/{alert['id']}/cancel", {"pin": "0000"}).status_code == 400
    response = her.post(f"/alerts/{alert['id']}/cancel", {"pin": "1234"})
    assert response.status_code == 429
    assert response.json() == {
        "detail": spanish("Too many wrong PINs. The alert stays active."),
        "code": "pin_locked",
    }
    assert Alert.objects.get().status == AlertStatus.ACTIVE


def test_acknowledgements_show_in_the_alert_state(her):
    from violeta.alerts.services.alerts import alert_acknowledge

    alert = raise_alert(her)
    state = her.get(f"/alerts/{alert['id']}").json()
    assert state["acknowledgements"] == [] and state["update_interval_seconds"] == 120
    recipient = Alert.objects.get().recipients.select_related("contact").first()
    alert_acknowledge(recipient=recipient, via="link")
    acks = her.get(f"/alerts/{alert['id']}").json()["acknowledgements"]
    assert [a["name"] for a in acks] == [recipient.contact.name]


# --- Who may do what -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer nope", "Token abc", "Bearer "])
def test_wrong_or_absent_bearer_is_401(client, her, header):
    alert = raise_alert(her)
    headers = {"Authorization": header} if header else {}
    for method, path in [("get", "/me"), ("get", "/contacts"), ("get", f"/alerts/{alert['id']}")]:
        response = getattr(client, method)(API + path, headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert response.json()["detail"] == spanish("Sign in again on this device.")
    response = client.post(
        API + "/alerts",
        data={"client_id": str(uuid.uuid4())},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401
    assert Alert.objects.count() == 1


def test_another_accounts_alert_is_404(client, her, sms_outbox):
    alert = raise_alert(her)
    other = sign_up(client, sms_outbox, phone="656 111 2233", name="Bea", pin="5678")
    with_contacts(other, 1)
    for method, path, body in [
        ("get", f"/alerts/{alert['id']}", None),
        ("post", f"/alerts/{alert['id']}/locations", {"lat": 28.6, "lon": -106.0, "accuracy": 20}),
        ("post", f"/alerts/{alert['id']}/cancel", {"pin": "5678"}),
    ]:
        response = other.call(method, path, body)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert Alert.objects.get().status == AlertStatus.ACTIVE and not AlertLocation.objects.exists()
    # her contacts are not Bea's to remove
    contact_id = her.get("/contacts").json()[0]["id"]
    assert other.delete(f"/contacts/{contact_id}").status_code == 404
    # nor is her client_id a way to reach her alert: ids are per account, so Bea only raises her own
    hers = Alert.objects.get()
    stolen = other.post("/alerts", {"client_id": hers.client_id})
    assert stolen.status_code == 201
    assert stolen.json()["id"] != str(hers.public_id)
    assert Alert.objects.filter(account=hers.account).count() == 1


def test_openapi_lists_the_mia_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/mia/otp", "post"),
        ("/api/v1/mia/otp/verify", "post"),
        ("/api/v1/mia/register", "post"),
        ("/api/v1/mia/me", "get"),
        ("/api/v1/mia/me", "patch"),
        ("/api/v1/mia/contacts", "get"),
        ("/api/v1/mia/contacts", "post"),
        ("/api/v1/mia/contacts/{contact_id}", "delete"),
        ("/api/v1/mia/contacts/fallback", "get"),
        ("/api/v1/mia/alerts", "post"),
        ("/api/v1/mia/alerts/{alert_id}", "get"),
        ("/api/v1/mia/alerts/{alert_id}/locations", "post"),
        ("/api/v1/mia/alerts/{alert_id}/cancel", "post"),
    ]:
        assert method in paths[path], f"{method.upper()} {path} missing"
    assert "DeviceToken" in schema["components"]["securitySchemes"]
    assert paths["/api/v1/mia/otp"]["post"].get("security") in (None, [])


# --- The app's page, manifest and service worker ---------------------------------------------------------------


def test_the_app_page_is_public_and_has_no_inline_code(client):
    response = client.get("/mia/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts), scripts
    assert "style=" not in html and "<style" not in html
    assert 'id="mia-i18n"' in html
    assert 'href="/mia/manifest.webmanifest"' in html


@pytest.mark.parametrize(
    ("disguise", "icon"),
    [("", "mia.svg"), ("notes", "notes.svg"), ("weather", "weather.svg"), ("calculator", "calculator.svg")],
)
def test_the_manifest_follows_the_disguise(client, disguise, icon):
    response = client.get("/mia/manifest.webmanifest" + (f"?d={disguise}" if disguise else ""))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    with translation.override("es-mx"):
        from violeta.alerts.models import AppDisguise

        label = str(AppDisguise(disguise or "mia").label)
    assert manifest["name"] == manifest["short_name"] == label
    assert manifest["icons"][0]["src"].endswith("/alerts/icons/" + icon)
    assert manifest["scope"] == "/mia/" and manifest["start_url"].startswith("/mia/")
    assert client.get(manifest["icons"][0]["src"]).status_code == 200
    page = client.get("/mia/" + (f"?d={disguise}" if disguise else "")).content.decode()
    assert f"<title>{label}</title>" in page


def test_an_unknown_disguise_is_the_neutral_default(client):
    assert (
        client.get("/mia/manifest.webmanifest?d=<script>").json()["name"]
        == client.get("/mia/manifest.webmanifest").json()["name"]
    )


def test_the_service_worker(client):
    response = client.get("/mia/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/mia/"
    source = response.content.decode()
    assert "__SHELL__" not in source and "__VERSION__" not in source
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", source).group(1))
    assert "/mia/" in shell and any(url.endswith("alerts/mia.js") for url in shell)
    for url in shell[1:]:
        assert client.get(url).status_code == 200, url
