"""Password rules (issue 12, hole 10 and the hardening): 12 characters, a shipped breached/common list,
nothing built from the institute, the city or a date, and never like the account's own e-mail or name."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from violeta.accounts.models import Role, User
from violeta.conftest import PASSWORD
from violeta.core.demo import DEMO_PASSWORD


def rejected(password, user=None) -> bool:
    try:
        validate_password(password, user)
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize(
    "password",
    [
        "Chihuahua2026",
        DEMO_PASSWORD,
        "Violeta2026!",
        "V1oleta-2o26",
        "Mujeres2025",
        "InstitutoMujeres2026",
        "imm-chihuahua-2026",
        "Primavera2027!",
        "CiudadJuarez1990",
        "contraseña2026",
        "tequiero123456",
        "qwertyuiop123",
        "password2026!",
        "Diciembre.2026",
        "123456789012",
        "abc123abc123",
    ],
)
def test_predictable_and_common_passwords_are_refused(db, password):
    assert rejected(password)


def test_eleven_characters_are_too_few(db):
    assert rejected("tortuga-naR")
    assert not rejected("tortuga-naRa")


@pytest.mark.parametrize(
    "password", ["tortuga-naranja-sobre-el-rio-47", "ZorroAzul.Pradera81", "kq7m-vw3p-zt9x", PASSWORD]
)
def test_strong_passwords_are_accepted(db, password):
    assert not rejected(password)


def test_the_refusal_is_explained_in_spanish(db):
    with pytest.raises(ValidationError) as refused:
        validate_password("Chihuahua2026")
    text = " ".join(refused.value.messages)
    assert "contraseña" in text.lower()
    assert "fecha" in text.lower() or "común" in text.lower()


def test_the_shipped_list_holds_django_s_and_local_passwords():
    from violeta.accounts.passwords import CommonPasswordValidator

    words = CommonPasswordValidator().passwords
    assert len(words) > 20000
    assert {"password", "qwerty", "contraseña", "teamo", "chihuahua2026", "violeta2026"} <= words


def test_a_password_like_the_account_s_own_email_or_name_is_refused(db):
    user = User(email="rosa.maria.fuentes@imm.test", full_name="Rosa María Fuentes")
    assert rejected("rosamariafuentes", user)
    assert rejected("Fuentes.RosaMaria", user)
    assert not rejected("rosamariafuentes", User(email="otra@imm.test", full_name="Otra Persona"))


def test_the_administrator_cannot_give_a_new_account_a_password_like_its_email(client, sysadmin, area_legal):
    client.force_login(sysadmin)
    response = client.post(
        reverse("accounts:staff_create"),
        {
            "full_name": "Rosa María Fuentes",
            "email": "rosa.maria.fuentes@imm.test",
            "role": Role.LEGAL,
            "area": area_legal.pk,
            "password": "rosamariafuentes",
        },
    )
    assert response.status_code == 200
    assert "muy similar" in response.content.decode()
    assert not User.objects.filter(email="rosa.maria.fuentes@imm.test").exists()


def test_the_staff_service_checks_the_password_against_the_new_account(sysadmin, area_legal):
    from violeta.accounts.services import staff_create

    with pytest.raises(ValidationError) as refused:
        staff_create(
            by=sysadmin,
            email="rosa.maria.fuentes@imm.test",
            full_name="Rosa María Fuentes",
            role=Role.LEGAL,
            area=area_legal,
            password="rosamariafuentes",
        )
    assert "password" in refused.value.message_dict
    assert not User.objects.filter(email="rosa.maria.fuentes@imm.test").exists()


def test_the_demo_password_is_refused_when_she_changes_her_password(client, lawyer):
    client.force_login(lawyer)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": DEMO_PASSWORD, "password2": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    lawyer.refresh_from_db()
    assert lawyer.check_password(PASSWORD)
