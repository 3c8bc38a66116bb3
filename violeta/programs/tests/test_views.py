"""The programs pages as program staff use them; others get 404 (the authorization matrix covers every URL)."""

import pytest
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.programs.models import Attendance, Attendee, Organization, Training
from violeta.programs.tests import factories

pytestmark = pytest.mark.django_db


def test_the_trainer_lands_on_her_sessions(client, trainer):
    training = factories.training(trainer, title="Igualdad sustantiva en la escuela")
    factories.session(training, trainer, days_from_now=2)
    client.force_login(trainer)
    response = client.get(reverse("home"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("programs:home")
    assert "Mis sesiones de las próximas dos semanas" in page
    assert "Igualdad sustantiva en la escuela" in page and "Pasar lista" in page


def test_a_trainer_creates_an_organisation_and_a_training_for_it(client, trainer):
    client.force_login(trainer)
    response = client.post(
        reverse("programs:organization_create"),
        {"name": " Secundaria   Técnica 45 ", "kind": "school", "phone": "614 410 2305"},
    )
    school = Organization.objects.get()
    assert response["Location"] == reverse("programs:organization_detail", args=[school.pk])
    assert school.name == "Secundaria Técnica 45" and school.phone == "+526144102305"
    topic = factories.topic()
    response = client.post(
        reverse("programs:training_create"),
        {
            "program": "transversalidad",
            "topic": topic.pk,
            "title": "Prevención de la violencia en el noviazgo",
            "organization": school.pk,
            "modality": "in_person",
            "hours": "6",
            "min_attendance_percent": "80",
            "trainer": trainer.pk,
        },
    )
    training = Training.objects.get()
    assert response["Location"] == reverse("programs:training_detail", args=[training.pk])
    history = client.get(reverse("programs:organization_detail", args=[school.pk])).content.decode()
    assert "Prevención de la violencia en el noviazgo" in history


def test_bad_input_gets_spanish_errors_and_changes_nothing(client, trainer):
    training = factories.training(trainer)
    client.force_login(trainer)
    response = client.post(
        reverse("programs:session_create", args=[training.pk]),
        {"starts_at": "2026-12-10T10:00", "ends_at": "2026-12-10T09:00", "place": "Aula"},
    )
    assert response.status_code == 200
    assert "La sesión debe terminar después de empezar." in response.content.decode()
    assert not training.sessions.exists()
    response = client.post(reverse("programs:attendee_create", args=[training.pk]), {"full_name": ""})
    assert "Este campo es obligatorio." in response.content.decode()
    assert not Attendee.objects.exists()


def test_a_roll_call_tap_is_saved_and_answers_what_was_saved(client, trainer):
    training = factories.training(trainer)
    session = factories.session(training, trainer, days_from_now=0)
    rosa = factories.attendee(training, trainer)
    client.force_login(trainer)
    url = reverse("programs:attendance_mark", args=[training.pk, session.pk, rosa.pk])
    response = client.post(url, {"present": "1"}, headers={"accept": "application/json"})
    assert response.json() == {"attendee": rosa.pk, "present": True}
    assert Attendance.objects.get().present
    response = client.post(url, {"present": "maybe"}, headers={"accept": "application/json"})
    assert response.status_code == 400 and "asistió" in response.json()["detail"]
    assert Attendance.objects.get().present


BROWSER_FORM = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_tap_made_before_the_page_script_ran_comes_back_to_the_roll_call(client, trainer):
    """A tap on a tablet that has not run roll-call.js yet (a slow connection) is a plain form post: it is saved
    and the roll call comes back showing it, never a page of raw JSON."""
    training = factories.training(trainer)
    session = factories.session(training, trainer, days_from_now=0)
    rosa = factories.attendee(training, trainer, full_name="Rosa Elena Quiñónez")
    client.force_login(trainer)
    url = reverse("programs:attendance_mark", args=[training.pk, session.pk, rosa.pk])
    roll_call = reverse("programs:roll_call", args=[training.pk, session.pk])
    response = client.post(url, {"present": "1"}, headers={"accept": BROWSER_FORM})
    assert response.status_code == 303 and response.url == roll_call
    assert Attendance.objects.get().present
    page = client.get(roll_call).content.decode()
    assert "Asistencia guardada: presente." in page
    assert 'aria-pressed="true"' in page
    response = client.post(url, {"present": "maybe"}, headers={"accept": BROWSER_FORM}, follow=True)
    assert response.redirect_chain == [(roll_call, 303)]
    assert "asistió" in response.content.decode()
    assert Attendance.objects.get().present


def test_pages_read_a_bounded_number_of_queries(client, trainer, django_assert_max_num_queries):
    school = factories.organization(trainer)
    trainings = [factories.training(trainer, organization=school, title=f"Taller {n}") for n in range(5)]
    for training in trainings:
        factories.session(training, trainer)
        for n in range(4):
            factories.attendee(training, trainer, full_name=f"Persona {n}")
    client.force_login(trainer)
    for url in (
        reverse("programs:home"),
        reverse("programs:training_list"),
        reverse("programs:training_detail", args=[trainings[0].pk]),
        reverse("programs:roll_call", args=[trainings[0].pk, trainings[0].sessions.get().pk]),
        reverse("programs:organization_list"),
        reverse("programs:organization_detail", args=[school.pk]),
    ):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200


def test_the_attendee_list_is_audited_and_refused_to_a_lawyer(client, trainer, lawyer):
    training = factories.training(trainer)
    factories.attendee(training, trainer)
    client.force_login(lawyer)
    assert client.get(reverse("programs:training_detail", args=[training.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=lawyer).exists()
    client.force_login(trainer)
    page = client.get(reverse("programs:training_detail", args=[training.pk])).content.decode()
    assert "Rosa Elena Quiñónez" in page
    assert AuditEvent.objects.filter(
        action=Action.VIEW, actor=trainer, object_type="programs.attendee"
    ).exists()
