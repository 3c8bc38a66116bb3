"""Hole 6: a role that reads personal data is granted by two people, the administrator and the director."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from violeta.accounts import services
from violeta.accounts.models import PERSONAL_DATA_ROLES, GrantStatus, Role, RoleGrant, User
from violeta.accounts.tests.helpers import sign_in
from violeta.audit.models import Action, AuditEvent
from violeta.conftest import make_user
from violeta.notifications.models import Notification

NEW_PASSWORD = "una-clave-muy-larga-2026"


def create_account(client, role, *, email="nueva@imm.test", area=None):
    data = {"full_name": "Nueva Persona", "email": email, "role": role, "password": NEW_PASSWORD}
    if area is not None:
        data["area"] = area.pk
    return client.post(reverse("accounts:staff_create"), data)


def edit_account(client, user, **changes):
    data = {
        "full_name": user.full_name,
        "role": user.role,
        "area": user.area_id or "",
        "is_active": "on" if user.is_active else "",
        "is_on_duty": "on" if user.is_on_duty else "",
    }
    data.update(changes)
    return client.post(reverse("accounts:staff_edit", kwargs={"pk": user.pk}), data)


def decide(client, grant, decision, comment=""):
    return client.post(
        reverse("accounts:grant_decide", kwargs={"pk": grant.pk}), {"decision": decision, "comment": comment}
    )


def test_the_roles_that_need_approval_are_the_ones_that_read_personal_data():
    assert {
        Role.DIRECTOR,
        Role.COORDINATOR,
        Role.LEGAL,
        Role.PSYCHOLOGY,
        Role.SOCIAL_WORK,
        Role.RECEPTION,
        Role.ALERT_MONITOR,
        Role.CARD_OFFICE,
        Role.LIAISON,
    } == PERSONAL_DATA_ROLES
    assert Role.SYSADMIN not in PERSONAL_DATA_ROLES


def test_sysadmin_creating_a_director_does_not_make_a_director(client, sysadmin, director):
    sign_in(client, sysadmin)
    response = create_account(client, Role.DIRECTOR)
    assert response.status_code == 302
    user = User.objects.get(email="nueva@imm.test")
    assert user.role != Role.DIRECTOR
    assert not user.is_active
    grant = RoleGrant.objects.get(user=user)
    assert grant.status == GrantStatus.PENDING and grant.role == Role.DIRECTOR
    assert grant.requested_by == sysadmin
    # the request is flagged for review in the audit log
    event = AuditEvent.objects.get(action=Action.ROLE_GRANT, object_id=str(user.pk))
    assert event.flagged is True
    assert event.actor == sysadmin
    # and the director has a neutral notice pointing at the pending grants
    notice = Notification.objects.get(recipient=director)
    assert notice.url == reverse("accounts:grant_list")
    assert "nueva@imm.test" not in notice.message and "Nueva" not in notice.message
    # the administrator sees the account waiting for its role
    listing = client.get(reverse("accounts:staff_list")).content.decode()
    assert "en espera de aprobación" in listing


def test_the_new_director_exists_only_after_another_director_approves(client, sysadmin, director):
    sign_in(client, sysadmin)
    create_account(client, Role.DIRECTOR)
    grant = RoleGrant.objects.get(user__email="nueva@imm.test")

    sign_in(client, director)
    page = client.get(reverse("accounts:grant_list"))
    assert page.status_code == 200
    assert "nueva@imm.test" in page.content.decode()
    assert decide(client, grant, "approve", "Nombramiento de la presidencia").status_code == 302

    user = User.objects.get(email="nueva@imm.test")
    assert user.role == Role.DIRECTOR and user.is_active
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED and grant.decided_by == director
    decision = AuditEvent.objects.filter(action=Action.ROLE_GRANT, actor=director).get()
    assert decision.flagged is True and decision.object_id == str(user.pk)


def test_the_requester_cannot_approve_her_own_request(client, sysadmin, director, area_legal):
    sign_in(client, sysadmin)
    create_account(client, Role.LEGAL, area=area_legal)
    grant = RoleGrant.objects.get(user__email="nueva@imm.test")
    response = decide(client, grant, "approve")
    assert response.status_code in (403, 404)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
    assert User.objects.get(email="nueva@imm.test").role == ""

    # nor through the service, nor a director who asked for it herself
    with pytest.raises(ValidationError):
        services.grant_approve(by=sysadmin, grant=grant, comment="")
    own = services.grant_request(by=director, user=make_user("x@imm.test", Role.TRAINER), role=Role.RECEPTION)
    with pytest.raises(ValidationError):
        services.grant_approve(by=director, grant=own, comment="")
    own.refresh_from_db()
    assert own.status == GrantStatus.PENDING


def test_nobody_approves_a_grant_of_her_own_account(director, sysadmin):
    grant = services.grant_request(by=sysadmin, user=director, role=Role.DIRECTOR, area=None)
    with pytest.raises(ValidationError):
        services.grant_approve(by=director, grant=grant, comment="")


def test_director_refuses_with_a_comment_and_the_role_stays(client, sysadmin, director, lawyer, coordinator):
    sign_in(client, sysadmin)
    edit_account(client, lawyer, role=Role.COORDINATOR)
    lawyer.refresh_from_db()
    assert lawyer.role == Role.LEGAL  # the old role stays until the director decides
    grant = RoleGrant.objects.get(user=lawyer, status=GrantStatus.PENDING)
    assert grant.role == Role.COORDINATOR

    sign_in(client, director)
    response = decide(client, grant, "refuse", "")
    assert response.status_code == 200
    assert "motivo" in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING

    assert decide(client, grant, "refuse", "No coordina el área").status_code == 302
    grant.refresh_from_db()
    lawyer.refresh_from_db()
    assert grant.status == GrantStatus.REFUSED and grant.comment == "No coordina el área"
    assert lawyer.role == Role.LEGAL
    assert AuditEvent.objects.filter(action=Action.ROLE_GRANT, actor=director, flagged=True).exists()
    # the requester is told, neutrally
    assert Notification.objects.filter(recipient=sysadmin).exists()


def test_a_decided_grant_cannot_be_decided_again(client, sysadmin, director, lawyer):
    grant = services.grant_request(by=sysadmin, user=lawyer, role=Role.COORDINATOR, area=lawyer.area)
    services.grant_refuse(by=director, grant=grant, comment="No")
    with pytest.raises(ValidationError):
        services.grant_approve(by=director, grant=grant, comment="")
    lawyer.refresh_from_db()
    assert lawyer.role == Role.LEGAL


def test_roles_that_read_nothing_personal_are_granted_at_once(client, sysadmin):
    sign_in(client, sysadmin)
    create_account(client, Role.TRAINER)
    user = User.objects.get(email="nueva@imm.test")
    assert user.role == Role.TRAINER and user.is_active
    assert not RoleGrant.objects.exists()


def test_a_new_request_replaces_the_pending_one(sysadmin, director, lawyer):
    first = services.grant_request(by=sysadmin, user=lawyer, role=Role.COORDINATOR, area=lawyer.area)
    second = services.grant_request(by=sysadmin, user=lawyer, role=Role.DIRECTOR, area=None)
    first.refresh_from_db()
    assert first.status == GrantStatus.WITHDRAWN
    assert RoleGrant.objects.filter(user=lawyer, status=GrantStatus.PENDING).get() == second


def test_an_account_waiting_for_its_role_cannot_be_enabled(client, sysadmin, director):
    sign_in(client, sysadmin)
    create_account(client, Role.RECEPTION)
    user = User.objects.get(email="nueva@imm.test")
    response = edit_account(client, user, role=Role.RECEPTION, is_active="on")
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    assert RoleGrant.objects.filter(user=user, status=GrantStatus.PENDING).count() == 1


def test_only_the_director_sees_the_pending_grants(client, sysadmin, lawyer):
    for user in (sysadmin, lawyer):
        sign_in(client, user)
        assert client.get(reverse("accounts:grant_list")).status_code in (403, 404)


def test_the_first_director_comes_from_the_setup_command(db):
    call_command(
        "create_director", email="Primera@IMM.test", full_name="Primera Directora", password=NEW_PASSWORD
    )
    user = User.objects.get(email="primera@imm.test")
    assert user.role == Role.DIRECTOR and user.is_active and user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.get(action=Action.ROLE_GRANT, object_id=str(user.pk)).flagged is True
    # once there is an active director, another one needs the approval workflow
    with pytest.raises(CommandError):
        call_command("create_director", email="segunda@imm.test", full_name="Segunda", password=NEW_PASSWORD)
    assert not User.objects.filter(email="segunda@imm.test").exists()


def test_deciding_needs_a_recent_password(client, sysadmin, director, lawyer):
    grant = services.grant_request(by=sysadmin, user=lawyer, role=Role.COORDINATOR, area=lawyer.area)
    client.force_login(director)  # signed in, but not re-authenticated in the last minutes
    assert client.get(reverse("accounts:grant_decide", kwargs={"pk": grant.pk})).status_code == 200
    response = decide(client, grant, "approve")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
    sign_in(client, director)
    assert decide(client, grant, "approve").status_code == 302
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED
