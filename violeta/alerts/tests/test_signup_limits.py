"""Hole 7 (first half): the sign-up code must not let one address make the institute text anyone.

Codes are limited per number (test_api), per source address (per hour and per day) and in all per hour (a
circuit breaker). Over a limit the API answers 429 with a Spanish sentence and nothing is queued. Invitations
to contacts are limited per account too (adding and removing contacts would text strangers otherwise).
"""

import json

import pytest

from violeta.alerts.models import EmergencyContact, PhoneVerification
from violeta.alerts.tests.test_api import CONTACT_PHONES, Api, sign_up, sms_outbox, spanish  # noqa: F401
from violeta.messaging.models import Message

pytestmark = pytest.mark.django_db

OTP = "/api/v1/mia/otp"


def numbers(n: int, start: int = 0) -> list[str]:
    return [f"614 555 {1000 + start + i:04d}" for i in range(n)]


def ask(client, phone: str, ip: str):
    return client.post(OTP, json.dumps({"phone": phone}), content_type="application/json", REMOTE_ADDR=ip)


def test_twenty_numbers_from_one_address_get_at_most_the_address_limit(client, settings):
    limit = 5
    settings.MIA = {**settings.MIA, "OTP_MAX_PER_HOUR_IP": limit}
    answers = [ask(client, phone, "203.0.113.7") for phone in numbers(20)]
    assert [r.status_code for r in answers[:limit]] == [202] * limit
    refused = answers[limit:]
    assert {r.status_code for r in refused} == {429}
    assert refused[0].json() == {
        "detail": spanish("Too many codes were requested from this connection. Try again later."),
        "code": "otp_ip_rate",
    }
    assert Message.objects.count() == limit
    assert PhoneVerification.objects.count() == limit
    # Another address is not held back by the first one.
    assert ask(client, numbers(1, start=50)[0], "198.51.100.9").status_code == 202


def test_the_daily_limit_per_address_holds_across_hours(client, settings):
    settings.MIA = {**settings.MIA, "OTP_MAX_PER_HOUR_IP": 100, "OTP_MAX_PER_DAY_IP": 4}
    codes = [ask(client, phone, "203.0.113.8").status_code for phone in numbers(6)]
    assert codes == [202] * 4 + [429] * 2
    assert Message.objects.count() == 4


def test_the_hourly_total_is_a_circuit_breaker_across_addresses(client, settings):
    settings.MIA = {**settings.MIA, "OTP_MAX_PER_HOUR_TOTAL": 3}
    answers = [ask(client, phone, f"192.0.2.{i + 1}") for i, phone in enumerate(numbers(5))]
    assert [r.status_code for r in answers] == [202, 202, 202, 429, 429]
    assert answers[-1].json()["code"] == "otp_busy"
    assert answers[-1].json()["detail"] == spanish(
        "Too many codes are being requested right now. Try again in a few minutes."
    )
    assert Message.objects.count() == 3


def test_refused_requests_do_not_count(client, settings):
    """A malformed number or a per-number refusal sends nothing, so it does not use the address's quota."""
    limit = 2
    settings.MIA = {**settings.MIA, "OTP_MAX_PER_HOUR_IP": limit}
    for _ in range(limit + 2):
        assert ask(client, "12", "203.0.113.9").status_code == 400
    assert ask(client, numbers(1)[0], "203.0.113.9").status_code == 202
    for _ in range(limit + 2):
        assert ask(client, numbers(1)[0], "203.0.113.9").status_code == 429  # the same number: otp_wait
    assert ask(client, numbers(1, start=1)[0], "203.0.113.9").status_code == 202


def test_invitations_per_account_are_limited(client, sms_outbox, settings):  # noqa: F811
    settings.MIA = {**settings.MIA, "INVITATIONS_PER_DAY": 3}
    api: Api = sign_up(client, sms_outbox)
    for i in range(3):
        response = api.post("/contacts", {"name": f"C{i}", "phone": CONTACT_PHONES[i]})
        assert response.status_code == 201
        assert api.delete(f"/contacts/{response.json()['id']}").status_code == 204
    before = Message.objects.count()
    response = api.post("/contacts", {"name": "Otra", "phone": CONTACT_PHONES[3]})
    assert response.status_code == 429
    assert response.json() == {
        "detail": spanish("You added too many contacts today. Try again tomorrow."),
        "code": "invitation_rate",
    }
    assert Message.objects.count() == before
    assert EmergencyContact.objects.count() == 3
