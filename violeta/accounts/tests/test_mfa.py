"""The second factor: limited guessing (hole 3), required for every staff role after a grace period, usable."""

from datetime import timedelta
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from violeta.accounts.models import GrantStatus, Role, RoleGrant, User
from violeta.accounts.services import grant_approve, staff_create
from violeta.audit.models import Action, AuditEvent
from violeta.conftest import PASSWORD


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def past_grace(user):
    user.mfa_grace_until = timezone.now() - timedelta(days=1)
    user.save(update_fields=["mfa_grace_until"])


# --- Hole 3: the second factor cannot be guessed ------------------------------------------------------------


def test_wrong_codes_are_limited_and_the_right_code_is_refused_after_the_limit(client, lawyer):
    secret = with_totp(lawyer)
    response = login(client, lawyer.email)
    assert response["Location"] == reverse("mfa_authenticate")
    wrong = other_code(current_code(secret))
    statuses = [client.post(reverse("mfa_authenticate"), {"code": wrong}).status_code for _ in range(100)]
    assert statuses.count(200) < 100
    assert statuses[:5] == [200] * 5  # the form with its error, five times
    assert set(statuses[5:]) == {302}  # then the pending sign-in is gone: back to the password
    assert not signed_in(client)

    # The attacker knows the password and starts again: the right code is refused while locked.
    assert login(client, lawyer.email)["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert not signed_in(client)
    assert "bloqueado" in response.content.decode()


def test_second_factor_failures_are_audited_and_flagged_at_the_limit(client, lawyer, settings):
    secret = with_totp(lawyer)
    login(client, lawyer.email)
    wrong = other_code(current_code(secret))
    for _ in range(settings.MFA_FAILURE_LIMIT):
        client.post(reverse("mfa_authenticate"), {"code": wrong})
    failures = AuditEvent.objects.filter(action=Action.MFA_FAILED, object_id=str(lawyer.pk)).order_by("pk")
    assert failures.count() == settings.MFA_FAILURE_LIMIT
    assert [event.flagged for event in failures] == [False] * (settings.MFA_FAILURE_LIMIT - 1) + [True]
    assert wrong not in str([event.__dict__ for event in failures])  # the code tried is not kept


def test_the_lock_ends_and_a_right_code_resets_the_count(client, lawyer):
    secret = with_totp(lawyer)
    login(client, lawyer.email)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": other_code(current_code(secret))})
    User.objects.filter(pk=lawyer.pk).update(mfa_locked_until=timezone.now() - timedelta(seconds=1))
    login(client, lawyer.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert signed_in(client)
    lawyer.refresh_from_db()
    assert lawyer.mfa_failures == 0


def test_allauth_rate_limits_are_on_again():
    from allauth.account import app_settings

    limits = app_settings.RATE_LIMITS
    for action in (
        "login_failed",
        "reauthenticate",
        "reset_password",
        "reset_password_from_key",
        "confirm_email",
    ):
        assert limits.get(action), action


# --- MFA required and usable --------------------------------------------------------------------------------


@pytest.fixture
def new_account(db, sysadmin, director, area_legal):
    user = staff_create(
        by=sysadmin,
        email="nueva.abogada@imm.test",
        full_name="Nueva Abogada",
        role=Role.LEGAL,
        area=area_legal,
        password=PASSWORD,
    )
    # A role that reads personal data waits for a director's approval (accounts/tests/test_grants.py).
    grant_approve(by=director, grant=RoleGrant.objects.get(user=user, status=GrantStatus.PENDING))
    user.refresh_from_db()
    return user


def reauthenticate(client, next_url):
    response = client.get(next_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    return client.post(response["Location"], {"password": PASSWORD})


def test_a_new_account_has_a_verified_primary_address_and_can_activate_totp(client, new_account):
    assert EmailAddress.objects.filter(
        user=new_account, email=new_account.email, verified=True, primary=True
    ).exists()
    login(client, new_account.email)
    assert signed_in(client)
    reauthenticate(client, reverse("mfa_activate_totp"))
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=new_account, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=new_account, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_webauthn_keys_are_offered(client, new_account, settings):
    assert "webauthn" in settings.MFA_SUPPORTED_TYPES
    login(client, new_account.email)
    reauthenticate(client, reverse("mfa_add_webauthn"))
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200


@pytest.mark.parametrize("role", [Role.LEGAL, Role.MERCHANT, Role.LIAISON, Role.SYSADMIN, Role.ALERT_MONITOR])
def test_staff_past_the_grace_without_a_second_factor_are_sent_to_enrol(db, client, role, request):
    user = request.getfixturevalue(
        {
            Role.LEGAL: "lawyer",
            Role.MERCHANT: "merchant",
            Role.LIAISON: "dif_liaison",
            Role.SYSADMIN: "sysadmin",
            Role.ALERT_MONITOR: "alert_monitor",
        }[role]
    )
    past_grace(user)
    client.force_login(user)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    assert response.status_code == 200
    assert "mfa-enrolment-banner" in response.content.decode()
    # Enrolment pages and sign-out stay open.
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    assert client.post(reverse("account_logout")).status_code == 302
    assert not signed_in(client)


def test_the_staff_api_answers_403_past_the_grace(client, merchant):
    past_grace(merchant)
    client.force_login(merchant)
    response = client.post("/api/v1/card/validate", {"number": "0000"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_with_a_second_factor_she_passes(client, lawyer):
    past_grace(lawyer)
    with_totp(lawyer)
    client.force_login(lawyer)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert "mfa-enrolment-banner" not in response.content.decode()


def test_within_the_grace_she_works_with_a_banner(client, lawyer):
    client.force_login(lawyer)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert "mfa-enrolment-banner" in response.content.decode()


def test_existing_accounts_get_a_verified_primary_address_and_a_grace(db, settings):
    user = User.objects.create_user("antigua@imm.test", PASSWORD, full_name="Antigua", role=Role.RECEPTION)
    EmailAddress.objects.create(user=user, email="agregada@otro.test", verified=False, primary=False)
    migration = import_module("violeta.accounts.migrations.0005_verified_email_and_mfa_grace")
    migration.forwards(apps, None)
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))
    assert addresses == [("antigua@imm.test", True, True)]
    user.refresh_from_db()
    assert user.mfa_grace_until > timezone.now() + timedelta(days=settings.MFA_ENROLMENT_GRACE_DAYS - 1)
