import os
import subprocess
import sys
import time

import pytest
from django.urls import reverse

from violeta.accounts import services
from violeta.accounts.models import Role, User
from violeta.audit.models import Action, AuditEvent
from violeta.conftest import PASSWORD


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_email_login_reaches_mis_expedientes_and_is_audited(client, lawyer):
    response = login(client, lawyer.email, PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == reverse("cases:list")
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=lawyer).exists()


def test_failed_login_is_audited_without_the_password(client, lawyer):
    login(client, lawyer.email, "equivocada-123")
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor_label == lawyer.email
    assert "equivocada" not in str(event.__dict__)


def test_lockout_after_five_failures_first_for_five_minutes(client, lawyer, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        login(client, lawyer.email, "equivocada-123")
    response = login(client, lawyer.email, PASSWORD)  # the right password no longer gets in from here
    assert response.status_code == 429
    assert "5 minutos" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_there_is_no_public_sign_up(client, db):
    response = client.post(reverse("account_signup"), {"email": "x@y.mx", "password1": "una-clave-larga-99"})
    assert User.objects.filter(email="x@y.mx").count() == 0
    assert response.status_code == 200


def test_idle_session_expires_after_fifteen_minutes(client, lawyer, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 15 * 60
    client.force_login(lawyer)
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    session["violeta_last_seen"] = int(time.time()) - 14 * 60
    session.save()
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    session["violeta_last_seen"] = int(time.time()) - 16 * 60
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_totp_mfa_is_offered_to_every_staff_member(client, receptionist):
    client.force_login(receptionist)
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks to reauthenticate or shows the QR; either way the page exists for her
    assert response.status_code in (200, 302)
    assert client.get(reverse("mfa_index")).status_code == 200


def test_sysadmin_creates_a_staff_account(client, sysadmin, director, area_legal):
    client.force_login(sysadmin)
    response = client.post(
        reverse("accounts:staff_create"),
        {
            "full_name": "Ana Abogada",
            "email": "Ana@IMM.test",
            "role": Role.LEGAL,
            "area": area_legal.pk,
            "password": "una-clave-muy-larga-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ana@imm.test")
    assert user.check_password("una-clave-muy-larga-2026")
    # legal reads case files: the role waits for the director (test_grants.py), then the account is ready
    assert user.role == "" and not user.is_active
    services.grant_approve(by=director, grant=user.role_grants.get(), comment="")
    user.refresh_from_db()
    assert user.role == Role.LEGAL and user.area == area_legal and user.is_active
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="accounts.user", object_id=str(user.pk)
    ).exists()


def test_legal_role_needs_an_area(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("accounts:staff_create"),
        {
            "full_name": "Sin Área",
            "email": "sin@imm.test",
            "role": Role.LEGAL,
            "password": "una-clave-muy-larga-2026",
        },
    )
    assert response.status_code == 200
    assert "necesita un área" in response.content.decode()
    assert not User.objects.filter(email="sin@imm.test").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "dev-short"}, "VIOLETA_ENCRYPTION_KEYS is required"),
        (
            {"SECRET_KEY": "x" * 50, "VIOLETA_ENCRYPTION_KEYS": "a" * 43 + "=", "DEBUG": "1"},
            "DEBUG must be off",
        ),
        (
            {"SECRET_KEY": "dev-" + "x" * 50, "VIOLETA_ENCRYPTION_KEYS": "a" * 43 + "="},
            "not a development default",
        ),
    ],
)
def test_production_refuses_unsafe_settings(env, message, tmp_path):
    clean = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "VIOLETA_ENCRYPTION_KEYS", "DEBUG")
    }
    clean.update({"VIOLETA_ENV": "production", "VIOLETA_VAR_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "-c", "import violeta.settings"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_polling_is_not_activity_and_an_expired_htmx_request_is_sent_to_login(client, alert_monitor):
    client.force_login(alert_monitor)
    client.get(reverse("alerts:console"))
    session = client.session
    session["violeta_last_seen"] = int(time.time()) - 14 * 60
    session.save()
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_X_VIOLETA_POLL": "1"}
    assert client.get(reverse("alerts:console_list"), **poll).status_code == 200
    assert client.session["violeta_last_seen"] < int(time.time()) - 13 * 60  # the poll did not renew it
    session = client.session
    session["violeta_last_seen"] = int(time.time()) - 16 * 60
    session.save()
    response = client.get(reverse("alerts:console_list"), **poll)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("account_login")
