"""The programs' services: who may write, what is refused, and the roll call's one row per person and session."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.programs import selectors, services
from violeta.programs.models import Attendance, Attendee, Organization, Training
from violeta.programs.tests import factories

pytestmark = pytest.mark.django_db


def test_only_program_staff_create_trainings_and_organisations(lawyer, trainer):
    with pytest.raises(PermissionDenied):
        factories.organization(lawyer)
    with pytest.raises(PermissionDenied):
        factories.training(lawyer)
    assert not Organization.objects.exists() and not Training.objects.exists()
    school = factories.organization(trainer)
    training = factories.training(trainer, organization=school)
    assert training.organization == school and training.trainer == trainer
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="programs.training").exists()


def test_the_trainer_in_charge_must_be_program_staff(trainer, lawyer):
    with pytest.raises(ValidationError) as error:
        factories.training(trainer, trainer=lawyer)
    assert "trainer" in error.value.message_dict
    assert not Training.objects.exists()


def test_a_session_ends_after_it_starts_and_has_a_place_or_a_link(trainer):
    training = factories.training(trainer)
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.session_add(training=training, by=trainer, starts_at=start, ends_at=start, place="Aula")
    assert "ends_at" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.session_add(
            training=training, by=trainer, starts_at=start, ends_at=start + timezone.timedelta(hours=1)
        )
    assert not training.sessions.exists()
    online = services.session_add(
        training=training,
        by=trainer,
        starts_at=start,
        ends_at=start + timezone.timedelta(hours=1),
        link="https://meet.example.org/abc",
    )
    assert online.trainer == trainer  # the training's trainer unless another is named


def test_an_agreement_cannot_end_before_it_starts(trainer):
    school = factories.organization(trainer)
    with pytest.raises(ValidationError) as error:
        services.agreement_add(
            organization=school,
            by=trainer,
            title="Convenio de colaboración",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() - timezone.timedelta(days=1),
        )
    assert "ends_on" in error.value.message_dict
    assert not school.agreements.exists()


def test_the_same_person_is_not_registered_twice_for_a_training(trainer):
    training = factories.training(trainer)
    factories.attendee(training, trainer, full_name="Rosa Elena Quiñónez")
    with pytest.raises(ValidationError) as error:
        factories.attendee(training, trainer, full_name="  rosa elena   quiñónez ")
    assert "ya tiene registro en esta capacitación" in " ".join(error.value.message_dict["full_name"])
    assert Attendee.objects.count() == 1


def test_a_tap_sent_twice_is_one_row_and_the_last_tap_wins(trainer, coordinator):
    training = factories.training(trainer)
    session = factories.session(training, trainer, days_from_now=0)
    rosa = factories.attendee(training, trainer)
    services.attendance_mark(session=session, attendee=rosa, present=True, by=trainer)
    services.attendance_mark(session=session, attendee=rosa, present=True, by=trainer)  # a retry
    assert Attendance.objects.get().present is True
    services.attendance_mark(session=session, attendee=rosa, present=False, by=coordinator)
    row = Attendance.objects.get()
    assert row.present is False and row.recorded_by == coordinator


def test_attendance_is_for_the_sessions_own_training(trainer):
    one, other = factories.training(trainer), factories.training(trainer, title="Otra")
    session = factories.session(one, trainer)
    stranger = factories.attendee(other, trainer)
    with pytest.raises(ValidationError):
        services.attendance_mark(session=session, attendee=stranger, present=True, by=trainer)
    assert not Attendance.objects.exists()


def test_attendance_rate_counts_the_sessions_held_so_far(trainer):
    training = factories.training(trainer)
    held = [factories.session(training, trainer, days_from_now=-d) for d in (3, 2, 1)]
    factories.session(training, trainer, days_from_now=5)  # not held yet: not counted
    rosa = factories.attendee(training, trainer)
    luis = factories.attendee(training, trainer, full_name="Luis Pérez", sex="hombre")
    for session in held[:2]:
        services.attendance_mark(session=session, attendee=rosa, present=True, by=trainer)
    services.attendance_mark(session=held[2], attendee=rosa, present=False, by=trainer)
    rows = {row.attendee: row for row in selectors.training_attendees(trainer, training)}
    assert (rows[rosa].attended, rows[rosa].sessions, rows[rosa].rate) == (2, 3, 67)
    assert (rows[luis].attended, rows[luis].rate) == (0, 0)
    # each attendee shown is an audited read
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="programs.attendee").count() == 2


def test_the_trainer_home_lists_her_next_two_weeks_soonest_first(trainer, coordinator):
    mine = factories.training(trainer)
    theirs = factories.training(coordinator, title="De la coordinación")
    later = factories.session(mine, trainer, days_from_now=10)
    sooner = factories.session(mine, trainer, days_from_now=1)
    factories.session(mine, trainer, days_from_now=20)  # beyond two weeks
    factories.session(theirs, coordinator, days_from_now=2)  # not hers
    given_by_her = factories.session(theirs, coordinator, days_from_now=3, trainer=trainer)
    assert selectors.upcoming_sessions(trainer) == [sooner, given_by_her, later]
