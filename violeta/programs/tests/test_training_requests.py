"""Training requests (issue 19): an organisation asks on the public site; validation with a Spanish error per
field, a honeypot, a limit per connection, nothing in the URL; the trainers get a notice naming no one; program
staff handle the request."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from violeta.notifications.models import Notification
from violeta.portal.views import TRAINING_REQUESTS_PER_HOUR_IP
from violeta.programs.models import RequestStatus, Topic, TrainingRequest
from violeta.programs.tests import factories

pytestmark = pytest.mark.django_db

URL = "/capacitaciones/solicitar/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def form(**changes):
    data = {
        "organization_name": "Secundaria Técnica 42",
        "kind": "school",
        "contact_name": "Laura Méndez",
        "phone": "614 123 4567",
        "email": "",
        "topic": "",
        "people": "35",
        "preferred_dates": "Mañanas de marzo",
        "message": "Para el personal docente.",
        "website": "",
    }
    data.update(changes)
    return data


def test_the_url_is_the_briefs():
    assert reverse("portal:training_request") == URL


def test_an_organisation_requests_a_training_and_the_trainers_are_told(client, trainer):
    topic = Topic.objects.filter(is_active=True).first()
    response = client.post(URL, form(topic=topic.pk if topic else ""))
    assert response.status_code == 302 and response["Location"] == reverse("portal:training_request_thanks")
    assert "?" not in response["Location"]
    request = TrainingRequest.objects.get()
    assert request.organization_name == "Secundaria Técnica 42" and request.phone == "+526141234567"
    assert request.status == RequestStatus.NEW and request.people == 35
    notice = Notification.objects.get(recipient=trainer)
    assert "Secundaria" not in notice.message and "Laura" not in notice.message
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"organization_name": ""}, "organization_name", "Escribe el nombre de tu organización."),
        ({"kind": ""}, "kind", "Elige el tipo de organización."),
        ({"contact_name": ""}, "contact_name", "Escribe tu nombre"),
        ({"people": ""}, "people", "Escribe cuántas personas asistirían"),
        ({"people": "0"}, "people", "Escribe al menos 1 persona."),
        ({"email": "no-es-correo"}, "email", "Escribe un correo válido"),
        ({"phone": "12"}, "phone", "Escribe tu teléfono con 10 dígitos"),
        ({"phone": "", "email": ""}, None, "Danos un teléfono o un correo"),
    ],
)
def test_each_field_has_a_clear_spanish_error_and_nothing_is_stored(client, changes, field, error):
    response = client.post(URL, form(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert error in " ".join(errors.get(field or "__all__", []))
    assert error in response.content.decode().replace("&#x27;", "'")
    assert not TrainingRequest.objects.exists()


def test_the_honeypot_thanks_a_bot_and_keeps_nothing(client, trainer):
    response = client.post(URL, form(website="http://spam.example"))
    assert response.status_code == 302
    assert not TrainingRequest.objects.exists() and not Notification.objects.exists()


def test_requests_are_limited_per_connection(client):
    for _ in range(TRAINING_REQUESTS_PER_HOUR_IP):
        assert client.post(URL, form()).status_code == 302
    response = client.post(URL, form())
    assert response.status_code == 200 and "Demasiadas solicitudes" in response.content.decode()
    assert TrainingRequest.objects.count() == TRAINING_REQUESTS_PER_HOUR_IP
    other = client.post(URL, form(), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302  # another connection is not held back


def test_program_staff_handle_a_request(client, trainer, django_assert_max_num_queries):
    client.post(URL, form())
    request = TrainingRequest.objects.get()
    organization = factories.organization(trainer, name="Secundaria Técnica 42")
    client.force_login(trainer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("programs:training_request_list")).content.decode()
    assert "Secundaria Técnica 42" in page
    url = reverse("programs:training_request_detail", args=[request.pk])
    assert (
        "614 123 4567" in client.get(url).content.decode()
        or "+526141234567" in client.get(url).content.decode()
    )
    response = client.post(
        url, {"status": "contacted", "organization": organization.pk, "note": "Llamé el lunes"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CONTACTED and request.organization == organization
    assert request.handled_by == trainer
    response = client.post(url, {"status": "scheduled"})
    assert response.status_code == 200 and "capacitación" in response.content.decode()


@pytest.mark.parametrize("persona", ["receptionist", "lawyer", "card_office"])
def test_other_staff_do_not_see_the_requests(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programs:training_request_list")).status_code == 404
