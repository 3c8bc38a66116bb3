"""Sessions end when an account is disabled or its role changes, and when the administrator ends them."""

import pytest
from django.test import Client
from django.urls import reverse

from violeta.accounts import services
from violeta.accounts.models import GrantStatus, Role, RoleGrant
from violeta.accounts.tests.helpers import sign_in
from violeta.audit.models import Action, AuditEvent
from violeta.conftest import PASSWORD


def signed_in(user, password=PASSWORD):
    """A browser of her own, signed in through the real sign-in form (allauth)."""
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert browser.get(reverse("cases:list")).status_code == 200
    return browser


@pytest.fixture
def lawyer_client(lawyer):
    return signed_in(lawyer)


def signed_out(browser) -> bool:
    response = browser.get(reverse("cases:list"))
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def edit(client, user, **changes):
    data = {
        "full_name": user.full_name,
        "role": user.role,
        "area": user.area_id or "",
        "is_active": "on" if user.is_active else "",
        "is_on_duty": "",
    }
    data.update(changes)
    return client.post(reverse("accounts:staff_edit", kwargs={"pk": user.pk}), data)


def test_disabling_an_account_ends_its_sessions_for_good(client, sysadmin, lawyer, lawyer_client):
    sign_in(client, sysadmin)
    assert edit(client, lawyer, is_active="").status_code == 302
    assert signed_out(lawyer_client)
    lawyer.refresh_from_db()
    # enabled again, the old session does not come back to life
    assert edit(client, lawyer, is_active="on").status_code == 302
    assert signed_out(lawyer_client)
    assert AuditEvent.objects.filter(action=Action.SESSIONS_ENDED, object_id=str(lawyer.pk)).exists()


def test_an_approved_role_change_ends_her_sessions(client, sysadmin, director, lawyer, lawyer_client):
    sign_in(client, sysadmin)
    edit(client, lawyer, role=Role.COORDINATOR)
    assert not signed_out(lawyer_client)  # nothing changed yet: the director has not approved
    grant = RoleGrant.objects.get(user=lawyer, status=GrantStatus.PENDING)
    services.grant_approve(by=director, grant=grant, comment="")
    assert signed_out(lawyer_client)


def test_a_role_taken_away_ends_her_sessions_at_once(client, sysadmin, lawyer, lawyer_client):
    sign_in(client, sysadmin)
    assert edit(client, lawyer, role=Role.TRAINER, area="").status_code == 302
    lawyer.refresh_from_db()
    assert lawyer.role == Role.TRAINER
    assert signed_out(lawyer_client)


def test_the_administrator_ends_her_sessions_from_the_staff_screen(client, sysadmin, lawyer, lawyer_client):
    sign_in(client, sysadmin)
    page = client.get(reverse("accounts:staff_edit", kwargs={"pk": lawyer.pk}))
    url = reverse("accounts:staff_end_sessions", kwargs={"pk": lawyer.pk})
    assert url in page.content.decode()
    assert client.post(url).status_code == 302
    assert signed_out(lawyer_client)
    event = AuditEvent.objects.get(action=Action.SESSIONS_ENDED, object_id=str(lawyer.pk))
    assert event.actor == sysadmin
    # the administrator herself stays signed in
    assert client.get(reverse("accounts:staff_list")).status_code == 200
    # and the lawyer can sign in again
    again = Client()
    assert (
        again.post(reverse("account_login"), {"login": lawyer.email, "password": PASSWORD}).status_code == 302
    )
    assert not signed_out(again)


def test_only_the_administrator_ends_sessions(client, lawyer, director, lawyer_client):
    sign_in(client, director)
    response = client.post(reverse("accounts:staff_end_sessions", kwargs={"pk": lawyer.pk}))
    assert response.status_code in (403, 404)
    assert not signed_out(lawyer_client)


def test_changing_her_own_password_keeps_her_session(lawyer, lawyer_client):
    other_device = signed_in(lawyer)
    response = lawyer_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "otra-clave-bastante-larga-7",
            "password2": "otra-clave-bastante-larga-7",
        },
    )
    assert response.status_code == 302
    lawyer.refresh_from_db()
    assert lawyer.check_password("otra-clave-bastante-larga-7")
    assert not signed_out(lawyer_client)
    assert signed_out(other_device)  # Django's own rule: a new password ends her other sessions


@pytest.mark.parametrize(
    "engine",
    [
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
        "django.contrib.sessions.backends.cache",
        "django.contrib.sessions.backends.signed_cookies",
    ],
)
def test_ending_sessions_does_not_depend_on_the_session_engine(engine, settings, lawyer):
    settings.SESSION_ENGINE = engine
    browser = signed_in(lawyer)
    services.staff_end_sessions(by=None, user=lawyer)
    assert signed_out(browser)
    assert not signed_out(signed_in(lawyer))  # a new sign-in works at once
