"""Questionnaires before and after a training, as data per topic: scored, and the change shown per training.
And the staff's own professional training: each sees hers, the director the team's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.programs import selectors, services
from violeta.programs.models import Phase, QuestionnaireResponse, StaffTraining
from violeta.programs.tests import factories

pytestmark = pytest.mark.django_db


def questions(topic, by):
    return [
        services.question_add(
            topic=topic,
            by=by,
            text="¿La igualdad sustantiva es igualdad de hecho?",
            options=["Sí", "No"],
            correct=0,
        ),
        services.question_add(
            topic=topic,
            by=by,
            text="¿Qué tipo de violencia es controlar el dinero de la pareja?",
            options=["Física", "Económica", "Ninguna"],
            correct=1,
        ),
    ]


def answer(question, text):
    return next(o.pk for o in question.options.all() if o.text == text)


def test_a_question_needs_two_options_and_a_right_one(trainer):
    topic = factories.topic()
    with pytest.raises(ValidationError):
        services.question_add(topic=topic, by=trainer, text="¿?", options=["Sí", "  "], correct=0)
    with pytest.raises(ValidationError):
        services.question_add(topic=topic, by=trainer, text="¿?", options=["Sí", "No"], correct=3)
    assert not topic.questions.exists()


def test_answers_are_scored_and_the_change_is_shown(trainer):
    training = factories.training(trainer)
    q1, q2 = questions(training.topic, trainer)
    rosa = factories.attendee(training, trainer, full_name="Rosa")
    luis = factories.attendee(training, trainer, full_name="Luis", sex="hombre")
    ana = factories.attendee(training, trainer, full_name="Ana")
    wrong = {q1.pk: answer(q1, "No"), q2.pk: answer(q2, "Física")}
    right = {q1.pk: answer(q1, "Sí"), q2.pk: answer(q2, "Económica")}
    half = {q1.pk: answer(q1, "Sí"), q2.pk: answer(q2, "Ninguna")}
    services.questionnaire_record(attendee=rosa, phase=Phase.BEFORE, answers=wrong, by=trainer)
    services.questionnaire_record(attendee=luis, phase=Phase.BEFORE, answers=half, by=trainer)
    services.questionnaire_record(attendee=ana, phase=Phase.BEFORE, answers=right, by=trainer)  # no "after"
    services.questionnaire_record(attendee=rosa, phase=Phase.AFTER, answers=right, by=trainer)
    services.questionnaire_record(attendee=luis, phase=Phase.AFTER, answers=right, by=trainer)
    summary = selectors.questionnaire_summary(training)
    assert (summary["before"].answered, summary["before"].percent) == (3, 50)
    assert (summary["after"].answered, summary["after"].percent) == (2, 100)
    # only who answered both: before 25 % (0 of 2 and 1 of 2), after 100 %
    assert summary["paired"] == 2 and summary["change"] == 75


def test_every_question_must_be_answered_with_its_own_options(trainer):
    training = factories.training(trainer)
    q1, q2 = questions(training.topic, trainer)
    rosa = factories.attendee(training, trainer)
    with pytest.raises(ValidationError):
        services.questionnaire_record(
            attendee=rosa, phase=Phase.BEFORE, answers={q1.pk: answer(q1, "Sí")}, by=trainer
        )
    with pytest.raises(ValidationError):  # an option of the other question
        services.questionnaire_record(
            attendee=rosa,
            phase=Phase.BEFORE,
            answers={q1.pk: answer(q2, "Física"), q2.pk: answer(q2, "Física")},
            by=trainer,
        )
    assert not QuestionnaireResponse.objects.exists()


def test_typing_in_the_answers_one_attendee_after_another(client, trainer):
    training = factories.training(trainer)
    q1, q2 = questions(training.topic, trainer)
    rosa = factories.attendee(training, trainer, full_name="Rosa")
    luis = factories.attendee(training, trainer, full_name="Luis", sex="hombre")
    client.force_login(trainer)
    url = reverse("programs:questionnaire", args=[training.pk, "pre"])
    response = client.post(
        url, {"attendee": luis.pk, f"q{q1.pk}": answer(q1, "Sí"), f"q{q2.pk}": answer(q2, "Económica")}
    )
    assert response["Location"] == f"{url}?attendee={rosa.pk}"  # on to the next one still pending
    assert QuestionnaireResponse.objects.get(attendee=luis).score == 2
    page = client.get(reverse("programs:training_detail", args=[training.pk])).content.decode()
    assert "Antes: 100 % (1)" in page
    response = client.post(url, {"attendee": rosa.pk, f"q{q1.pk}": answer(q1, "Sí")})
    assert "Este campo es obligatorio." in response.content.decode()
    assert QuestionnaireResponse.objects.count() == 1


def test_each_sees_her_own_training_record_and_the_director_the_team(client, lawyer, psychologist, director):
    for who in (lawyer, psychologist):
        services.staff_training_record(
            staff=who,
            by=who,
            title="Módulo 1: interseccionalidad",
            provider="TERFU A.C.",
            started_on=timezone.localdate(),
            hours=20,
            certificate_received=True,
        )
    with pytest.raises(PermissionDenied):
        services.staff_training_record(
            staff=psychologist, by=lawyer, title="X", started_on=timezone.localdate(), hours=1
        )
    with pytest.raises(ValidationError):
        services.staff_training_record(
            staff=lawyer,
            by=lawyer,
            title="X",
            started_on=timezone.localdate(),
            hours=1,
            finished_on=timezone.localdate() - timezone.timedelta(days=1),
        )
    assert StaffTraining.objects.count() == 2
    client.force_login(lawyer)
    page = client.get(reverse("programs:staff_training")).content.decode()
    assert lawyer.full_name in page and psychologist.full_name not in page
    client.force_login(director)
    page = client.get(reverse("programs:staff_training")).content.decode()
    assert lawyer.full_name in page and psychologist.full_name in page and "20 horas" in page
