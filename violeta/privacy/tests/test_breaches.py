from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.privacy.models import Breach
from violeta.privacy.services.breaches import breach_record, breach_update

pytestmark = pytest.mark.django_db

FIELDS = {
    "detected_on": date(2026, 11, 3),
    "description": "Se extravió una memoria USB con listas de asistencia.",
    "data_affected": "Nombres y teléfonos",
    "people_affected": 14,
    "measures": "Cambio de contraseñas; aviso al área.",
}


def test_the_director_records_and_updates_a_breach(director):
    breach = breach_record(by=director, **FIELDS)
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="privacy.breach", flagged=True
    ).exists()
    breach_update(breach=breach, by=director, authority_notified_on=date(2026, 11, 5))
    breach.refresh_from_db()
    assert breach.authority_notified_on == date(2026, 11, 5)
    assert breach.people_affected == 14


@pytest.mark.parametrize("persona", ["coordinator", "lawyer", "sysadmin"])
def test_only_the_director(persona, request, client, director):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        breach_record(by=user, **FIELDS)
    breach = breach_record(by=director, **FIELDS)
    client.force_login(user)
    assert client.get(reverse("privacy:breach_list")).status_code in (403, 404)
    assert client.get(reverse("privacy:breach_detail", kwargs={"pk": breach.pk})).status_code in (403, 404)


def test_pages(client, director):
    client.force_login(director)
    response = client.post(
        reverse("privacy:breach_create"),
        {**FIELDS, "detected_on": "2026-11-03", "people_notified_on": "", "authority_notified_on": ""},
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    page = client.get(reverse("privacy:breach_detail", kwargs={"pk": breach.pk}))
    assert "memoria USB" in page.content.decode()
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="privacy.breach").exists()
    assert client.get(reverse("privacy:breach_list")).status_code == 200
    bad = client.post(reverse("privacy:breach_create"), {**FIELDS, "people_affected": -3, "detected_on": "x"})
    assert bad.status_code == 200
    assert Breach.objects.count() == 1


# --- dates checked against sense (issue 16) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"detected_on": date(2030, 1, 1)}, "detected_on"),
        ({"people_notified_on": date(2030, 1, 1)}, "people_notified_on"),
        ({"authority_notified_on": date(2030, 1, 1)}, "authority_notified_on"),
        ({"people_notified_on": date(2026, 11, 1)}, "people_notified_on"),  # before it was detected (3 Nov)
        ({"authority_notified_on": date(2026, 10, 31)}, "authority_notified_on"),
    ],
)
def test_a_breach_date_out_of_sense_is_refused_and_nothing_stored(director, dates, field):
    with pytest.raises(ValidationError) as exc:
        breach_record(by=director, **(FIELDS | dates))
    assert field in exc.value.message_dict
    assert not Breach.objects.exists()


def test_a_breach_cannot_be_updated_to_a_notice_before_its_detection(director):
    breach = breach_record(by=director, **FIELDS)
    with pytest.raises(ValidationError) as exc:
        breach_update(breach=breach, by=director, authority_notified_on=date(2026, 11, 2))
    assert "authority_notified_on" in exc.value.message_dict
    breach.refresh_from_db()
    assert breach.authority_notified_on is None


def test_the_breach_form_shows_a_notice_before_detection_on_its_field(client, director):
    client.force_login(director)
    response = client.post(
        reverse("privacy:breach_create"),
        {
            **FIELDS,
            "detected_on": "2026-11-03",
            "people_notified_on": "2026-11-01",
            "authority_notified_on": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("people_notified_on")
    assert "anterior a la detección" in response.content.decode()
    assert not Breach.objects.exists()
