"""The client's address behind the documented reverse proxy (issue 12, hole 9): one source for every limit."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.conftest import PASSWORD
from violeta.core.middleware import client_ip

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"


def address(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_the_proxy_header_names_the_client(behind_proxy):
    assert address(PROXY, "198.51.100.20") == "198.51.100.20"
    # the right-most address that is not one of our proxies, however many of them were crossed
    assert address(PROXY, "198.51.100.20, 10.1.4.4") == "198.51.100.20"


def test_a_client_cannot_choose_its_address(behind_proxy):
    # not the proxy: its header is ignored
    assert address("203.0.113.50", "198.51.100.20") == "203.0.113.50"
    # through the proxy: what the client wrote stays left of what the proxy appended
    assert address(PROXY, "1.2.3.4, 203.0.113.50") == "203.0.113.50"
    assert address(PROXY, "not-an-address, 203.0.113.50") == "203.0.113.50"
    assert address(PROXY, "") == PROXY


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address(PROXY, "198.51.100.20") == PROXY


def login(client, email, password, forwarded, remote=PROXY):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_sign_in_lockout_and_audit_use_the_address_behind_the_proxy(client, behind_proxy, lawyer):
    for _ in range(5):
        login(client, lawyer.email, "equivocada-de-verdad-1", "198.51.100.20")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.20"
    assert set(AuditEvent.objects.filter(action=Action.LOGIN_FAILED).values_list("ip", flat=True)) == {
        "198.51.100.20"
    }
    # the same account from another client of the same proxy is not locked
    login(client, lawyer.email, PASSWORD, "198.51.100.21")
    assert str(client.session.get("_auth_user_id")) == str(lawyer.pk)


def test_a_locked_client_cannot_escape_by_spoofing_the_header(client, behind_proxy, lawyer):
    for _ in range(5):
        login(client, lawyer.email, "equivocada-de-verdad-1", "198.51.100.99", remote="203.0.113.50")
    response = login(client, lawyer.email, PASSWORD, "198.51.100.100", remote="203.0.113.50")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.50"
