"""E-mail takeover (hole 4), password-reset limits (hole 7, second half) and re-authentication within 15 minutes."""

import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from violeta.accounts.models import GrantStatus, Role, RoleGrant
from violeta.accounts.services import grant_approve, staff_create
from violeta.audit.models import Action, AuditEvent
from violeta.card.tests import factories
from violeta.conftest import PASSWORD


@pytest.fixture
def member(db, sysadmin, director):
    user = staff_create(
        by=sysadmin,
        email="recepcion.nueva@imm.test",
        full_name="Recepción Nueva",
        role=Role.RECEPTION,
        password=PASSWORD,
    )
    # A role that reads personal data waits for a director's approval (accounts/tests/test_grants.py).
    grant_approve(by=director, grant=RoleGrant.objects.get(user=user, status=GrantStatus.PENDING))
    user.refresh_from_db()
    return user


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email})


# --- Hole 4: account takeover by e-mail ---------------------------------------------------------------------


def test_staff_cannot_add_an_address(client, member):
    client.force_login(member)
    assert client.get("/cuenta/email/").status_code == 404
    response = client.post("/cuenta/email/", {"email": "atacante@fuera.test", "action_add": ""})
    assert response.status_code == 404
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == [member.email]


@pytest.mark.parametrize("verified", [False, True])
def test_sign_in_only_with_the_verified_primary_address(client, member, verified):
    # An address added before /cuenta/email/ was closed (verified or not) does not sign her in.
    EmailAddress.objects.create(user=member, email="otra@fuera.test", verified=verified, primary=False)
    login(client, "otra@fuera.test")
    assert not signed_in(client)
    login(client, member.email)
    assert signed_in(client)


def test_a_password_reset_goes_only_to_the_verified_primary_address(client, member):
    EmailAddress.objects.create(user=member, email="otra@fuera.test", verified=False, primary=False)
    reset(client, "otra@fuera.test")
    assert mail.outbox == []
    reset(client, member.email)
    assert [message.to for message in mail.outbox] == [[member.email]]


# --- Hole 7, second half: password-reset e-mails are limited ------------------------------------------------


def test_the_fourth_reset_request_within_the_window_sends_no_email(client, member):
    for _ in range(15):
        reset(client, member.email)
    assert len(mail.outbox) == 3


def test_the_per_account_limit_holds_without_the_address_limit(client, member):
    # allauth's per-address limit lives in the cache; the per-account limit does not depend on it.
    for _ in range(6):
        cache.clear()
        response = reset(client, member.email.upper())
        assert response.status_code == 302
    assert len(mail.outbox) == 3


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, member):
    known = [reset(client, member.email) for _ in range(5)]
    unknown = [reset(client, "nadie@fuera.test") for _ in range(5)]
    assert [(r.status_code, r.get("Location")) for r in known] == [
        (r.status_code, r.get("Location")) for r in unknown
    ]
    assert all(member.email in message.to for message in mail.outbox)


# --- Re-authentication within 15 minutes ------------------------------------------------------------------


def minutes_since_sign_in(client, minutes):
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] = time.time() - minutes * 60
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def test_an_export_sixteen_minutes_after_sign_in_asks_to_reauthenticate(client, card_office):
    card = factories.issued_card(card_office)
    url = reverse("card:card_pdf", kwargs={"pk": card.pk})
    login(client, card_office.email)
    assert client.get(url)["Content-Type"] == "application/pdf"  # just signed in
    minutes_since_sign_in(client, 16)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    after = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert after["Content-Type"] == "application/pdf"
    assert client.get(url)["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("persona", "url_name"), [("lawyer", "cases:break_glass"), ("sysadmin", "accounts:staff_edit")]
)
def test_break_glass_and_role_changes_ask_to_reauthenticate(db, client, request, persona, url_name):
    user = request.getfixturevalue(persona)
    url = reverse(url_name, kwargs={"pk": user.pk} if url_name == "accounts:staff_edit" else None)
    client.force_login(user)
    assert client.get(url).status_code == 200
    minutes_since_sign_in(client, 16)
    response = client.get(url)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get(url).status_code == 200


def test_only_the_administrator_changes_an_address_and_it_becomes_the_verified_primary(
    client, sysadmin, member
):
    old = member.email
    client.force_login(sysadmin)
    form = {"full_name": member.full_name, "role": member.role, "is_active": "on", "email": "Nuevo@IMM.test"}
    response = client.post(reverse("accounts:staff_edit", kwargs={"pk": member.pk}), form)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "nuevo@imm.test"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", "verified", "primary")) == [
        ("nuevo@imm.test", True, True)
    ]
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(member.pk), flagged=True).exists()
    client.logout()
    login(client, old)
    assert not signed_in(client)
    login(client, "nuevo@imm.test")
    assert signed_in(client)


def test_an_address_of_another_account_is_refused(client, sysadmin, member, lawyer):
    client.force_login(sysadmin)
    form = {"full_name": member.full_name, "role": member.role, "is_active": "on", "email": lawyer.email}
    response = client.post(reverse("accounts:staff_edit", kwargs={"pk": member.pk}), form)
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.email == "recepcion.nueva@imm.test"
