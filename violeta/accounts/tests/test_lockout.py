"""Sign-in lockout (issue 12, hole 1): per account AND address, progressive, never global, with a way back."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.conftest import PASSWORD

WRONG = "equivocada-de-verdad-123"
HERE = "198.51.100.7"
THERE = "203.0.113.9"


@pytest.fixture(autouse=True)
def _no_proxy(settings):
    settings.TRUSTED_PROXIES = []


def login(client, email, password, ip=HERE):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)


def signed_in_as(client, user) -> bool:
    return str(client.session.get("_auth_user_id")) == str(user.pk)


def lock(client, email, ip=HERE):
    for _ in range(5):
        response = login(client, email, WRONG, ip)
    return response


def age_attempts(minutes: int) -> None:
    """Move every recorded failure ``minutes`` into the past (instead of waiting)."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_a_failure_is_recorded_for_the_attempted_account(client, lawyer):
    login(client, lawyer.email.upper(), WRONG)
    attempt = AccessAttempt.objects.get()
    assert attempt.username == lawyer.email
    assert attempt.ip_address == HERE


def test_five_failures_on_one_account_do_not_lock_another(client, lawyer, alert_monitor):
    assert lock(client, lawyer.email).status_code == 429
    client.logout()
    login(client, alert_monitor.email, PASSWORD, HERE)
    assert signed_in_as(client, alert_monitor)
    client.logout()
    login(client, alert_monitor.email, PASSWORD, THERE)
    assert signed_in_as(client, alert_monitor)


def test_the_locked_account_still_signs_in_from_another_address(client, lawyer):
    lock(client, lawyer.email, HERE)
    response = login(client, lawyer.email, PASSWORD, HERE)  # the right password, from the guessing address
    assert response.status_code == 429
    assert not signed_in_as(client, lawyer)
    login(client, lawyer.email, PASSWORD, THERE)
    assert signed_in_as(client, lawyer)


def test_the_locked_page_explains_the_way_back_in_spanish(client, lawyer):
    response = lock(client, lawyer.email)
    body = response.content.decode()
    assert response.status_code == 429
    assert "5 minutos" in body
    assert reverse("account_reset_password") in body
    assert "restablecer su contraseña" in body.lower()


def test_the_lockout_and_the_failures_are_audited_without_the_password(client, lawyer):
    lock(client, lawyer.email)
    lockouts = AuditEvent.objects.filter(action=Action.LOCKOUT)
    assert lockouts.count() == 1
    assert lockouts.get().actor_label == lawyer.email
    failures = AuditEvent.objects.filter(action=Action.LOGIN_FAILED)
    assert failures.count() == 5
    assert set(failures.values_list("actor_label", flat=True)) == {lawyer.email}
    assert WRONG not in str([e.__dict__ for e in AuditEvent.objects.all()])
    login(client, lawyer.email, WRONG)  # refused while locked: no second lockout row
    assert AuditEvent.objects.filter(action=Action.LOCKOUT).count() == 1


def test_the_owner_resets_her_password_by_email_and_gets_in(client, lawyer):
    EmailAddress.objects.create(user=lawyer, email=lawyer.email, verified=True, primary=True)
    lock(client, lawyer.email)
    client.post(reverse("account_reset_password"), {"email": lawyer.email}, REMOTE_ADDR=HERE)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, REMOTE_ADDR=HERE)
    if response.status_code == 302:  # allauth moves the key out of the URL first
        link = response["Location"]
    new = "tortuga-naranja-sobre-el-rio-47"
    response = client.post(link, {"password1": new, "password2": new}, REMOTE_ADDR=HERE)
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=lawyer.email).exists()
    login(client, lawyer.email, new, HERE)
    assert signed_in_as(client, lawyer)
    assert AuditEvent.objects.filter(
        action=Action.PASSWORD_RESET, object_type="accounts.user", object_id=str(lawyer.pk)
    ).exists()


def test_repeated_lockouts_of_the_same_account_and_address_last_longer(client, lawyer, settings):
    assert settings.AXES_COOLOFF_MINUTES[:3] == [5, 15, 60]
    lock(client, lawyer.email)
    age_attempts(6)  # the first lockout (5 minutes) is over
    for _ in range(5):
        response = login(client, lawyer.email, WRONG)
    assert response.status_code == 429
    assert "15 minutos" in response.content.decode()
    age_attempts(6)  # 6 minutes are no longer enough
    assert login(client, lawyer.email, PASSWORD).status_code == 429
    age_attempts(10)
    login(client, lawyer.email, PASSWORD)
    assert signed_in_as(client, lawyer)
    # another address was never part of it: its first lockout is the short one
    client.logout()
    assert "5 minutos" in lock(client, lawyer.email, THERE).content.decode()


def test_a_successful_sign_in_forgets_the_progression_for_that_address(client, lawyer):
    lock(client, lawyer.email)
    age_attempts(6)
    login(client, lawyer.email, PASSWORD)
    assert signed_in_as(client, lawyer)
    client.logout()
    assert "5 minutos" in lock(client, lawyer.email).content.decode()


def test_a_re_authentication_counts_for_the_signed_in_account(rf, lawyer):
    from violeta.accounts.lockout import username_from

    request = rf.post("/cuenta/reauthenticate/", {"password": WRONG})
    request.user = lawyer
    assert username_from(request, {"password": WRONG}) == lawyer.email
