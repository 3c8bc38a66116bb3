"""Superación en acción: enrolment from her case file with her consent, the waiting list, class attendance,
completion, outcomes with their follow-up reminder, and who sees what."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.cases.tests.factories import CaseFactory
from violeta.notifications.models import Notification
from violeta.people.models import Consent, ConsentPurpose
from violeta.programs import courses
from violeta.programs.models import (
    Enrollment,
    EnrollmentAttendance,
    EnrollmentStatus,
    ExternalLink,
    ExternalLinkKind,
    Outcome,
)
from violeta.programs.tests import course_factories as factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(trainer, coordinator):
    """Repostería, two places, coordinated by the legal area's coordinator."""
    return factories.cohort(factories.course(trainer, capacity=2), trainer, coordinator=coordinator)


def _case(lawyer, **fields):
    return CaseFactory(opened_by=lawyer, **fields)


# --- enrolment and consent ----------------------------------------------------------------------------------


def test_without_her_consent_she_is_not_enrolled_and_nothing_is_stored(group, lawyer):
    case = _case(lawyer)
    consents = Consent.objects.count()
    with pytest.raises(ValidationError) as refused:
        courses.enroll(cohort=group, case=case, by=lawyer, consent=False)
    assert "consent" in refused.value.error_dict
    assert not Enrollment.objects.exists()
    assert Consent.objects.count() == consents


def test_her_consent_is_recorded_with_the_program_as_scope(group, lawyer):
    case = _case(lawyer)
    enrollment = courses.enroll(cohort=group, case=case, by=lawyer, consent=True)
    assert enrollment.status == EnrollmentStatus.ENROLLED and enrollment.person == case.holder
    consent = enrollment.consent
    assert consent.person == case.holder and consent.is_active
    assert consent.purpose == ConsentPurpose.CARE and consent.recorded_by == lawyer
    assert consent.scope == "Superación en acción: Repostería, Grupo de la mañana"


def test_a_full_group_puts_her_on_the_waiting_list_and_a_withdrawal_promotes_the_first(
    group, lawyer, trainer
):
    first, second, third, fourth = (
        courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True) for _n in range(4)
    )
    assert [e.status for e in (first, second)] == [EnrollmentStatus.ENROLLED] * 2
    assert [e.status for e in (third, fourth)] == [EnrollmentStatus.WAITING] * 2
    # one waiting leaves: no place was freed, nobody moves
    assert courses.withdraw(enrollment=fourth, by=trainer) is None
    # one enrolled leaves: the first waiting takes her place
    promoted = courses.withdraw(enrollment=first, by=trainer)
    assert promoted == third
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: EnrollmentStatus.WITHDRAWN,
        second.pk: EnrollmentStatus.ENROLLED,
        third.pk: EnrollmentStatus.ENROLLED,
        fourth.pk: EnrollmentStatus.WITHDRAWN,
    }


def test_a_waiting_woman_whose_consent_lapsed_or_was_withdrawn_is_not_given_the_place(group, lawyer, trainer):
    first, _second, lapsed, withdrawn, in_force = (
        courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True) for _n in range(5)
    )
    Consent.objects.filter(pk=lapsed.consent_id).update(expires_on=timezone.localdate())
    Consent.objects.filter(pk=withdrawn.consent_id).update(revoked_at=timezone.now())

    promoted = courses.withdraw(enrollment=first, by=trainer)

    assert promoted == in_force
    lapsed.refresh_from_db()
    withdrawn.refresh_from_db()
    assert lapsed.status == withdrawn.status == EnrollmentStatus.WAITING


def test_withdrawing_her_consent_ends_her_place_at_once_and_frees_it(group, lawyer):
    from violeta.people.models import WithdrawalMeans
    from violeta.people.services import consent_withdraw

    first, _second, waiting = (
        courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True) for _n in range(3)
    )
    consent_withdraw(consent=first.consent, by=lawyer, means=WithdrawalMeans.PHONE)

    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == EnrollmentStatus.WITHDRAWN
    assert waiting.status == EnrollmentStatus.ENROLLED


def test_the_group_capacity_overrides_the_course(trainer, coordinator, lawyer):
    group = factories.cohort(
        factories.course(trainer, capacity=1), trainer, coordinator=coordinator, capacity=3
    )
    statuses = [
        courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True).status for _n in range(4)
    ]
    assert statuses == [EnrollmentStatus.ENROLLED] * 3 + [EnrollmentStatus.WAITING]


def test_she_is_enrolled_once_per_group_and_may_come_back_after_withdrawing(group, lawyer, trainer):
    case = _case(lawyer)
    enrollment = courses.enroll(cohort=group, case=case, by=lawyer, consent=True)
    with pytest.raises(ValidationError):
        courses.enroll(cohort=group, case=case, by=lawyer, consent=True)
    courses.withdraw(enrollment=enrollment, by=trainer)
    again = courses.enroll(cohort=group, case=case, by=lawyer, consent=True)
    assert again.pk == enrollment.pk and again.status == EnrollmentStatus.ENROLLED
    assert Consent.objects.filter(person=case.holder, scope__startswith="Superación").count() == 2


def test_a_group_that_is_over_takes_nobody(trainer, coordinator, lawyer):
    today = timezone.localdate()
    group = factories.cohort(
        factories.course(trainer),
        trainer,
        coordinator=coordinator,
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True)
    assert not Enrollment.objects.exists()


# --- who may enrol her ----------------------------------------------------------------------------------------


def test_a_lawyer_not_on_her_case_cannot_enrol_her(group, lawyer, outsider, client):
    case = _case(lawyer)
    with pytest.raises(PermissionDenied):
        courses.enroll(cohort=group, case=case, by=outsider, consent=True)
    client.force_login(outsider)
    url = reverse("programs:course_enroll", args=[case.folio])
    assert client.get(url).status_code == 404
    assert client.post(url, {"cohort": group.pk, "consent": "on"}).status_code == 404
    assert not Enrollment.objects.exists()


def test_the_trainer_never_enrols_from_a_case_file(group, lawyer, trainer, client):
    case = _case(lawyer)
    with pytest.raises(PermissionDenied):
        courses.enroll(cohort=group, case=case, by=trainer, consent=True)
    client.force_login(trainer)
    assert client.get(reverse("programs:course_enroll", args=[case.folio])).status_code == 404
    assert not Enrollment.objects.exists()


def test_the_trainer_sees_her_name_and_attendance_but_nothing_of_her_case(group, lawyer, trainer, client):
    case = _case(lawyer, reason="Violencia económica y amenazas de su expareja en el trabajo.")
    enrollment = courses.enroll(cohort=group, case=case, by=lawyer, consent=True)
    client.force_login(trainer)
    for url in (
        reverse("programs:cohort_detail", args=[group.pk]),
        reverse("programs:enrollment_detail", args=[enrollment.pk]),
    ):
        page = client.get(url).content.decode()
        assert case.holder.full_name in page
        assert case.folio not in page and "Violencia económica" not in page
        assert reverse("cases:detail", args=[case.folio]) not in page


# --- enrolment from the case page -----------------------------------------------------------------------------


def test_her_case_team_enrols_her_from_the_case_page_once_she_consents(group, lawyer, client):
    case = _case(lawyer)
    client.force_login(lawyer)
    detail = client.get(reverse("cases:detail", args=[case.folio])).content.decode()
    url = reverse("programs:course_enroll", args=[case.folio])
    assert url in detail
    refused = client.post(url, {"cohort": group.pk})
    assert refused.status_code == 200 and not Enrollment.objects.exists()
    assert "Ella debe aceptar tomar el curso" in refused.content.decode()
    response = client.post(url, {"cohort": group.pk, "consent": "on"})
    assert response["Location"] == reverse("cases:detail", args=[case.folio])
    assert Enrollment.objects.get().person == case.holder


def test_her_participation_shows_on_her_case_page_to_her_team(group, lawyer, trainer, client):
    case = _case(lawyer)
    enrollment = courses.enroll(cohort=group, case=case, by=lawyer, consent=True)
    session = factories.cohort_session(group, trainer)
    courses.course_attendance_mark(session=session, enrollment=enrollment, present=True, by=trainer)
    client.force_login(lawyer)
    page = client.get(reverse("cases:detail", args=[case.folio])).content.decode()
    assert "Repostería" in page and "Grupo de la mañana" in page
    assert "1 de 1 clases (100 %)" in page


# --- class attendance and completion -------------------------------------------------------------------------


def test_a_tap_sent_twice_gives_one_row_and_the_waiting_list_is_not_called(group, lawyer, trainer):
    enrolled = [courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True) for _n in range(3)]
    session = factories.cohort_session(group, trainer)
    for _n in range(2):
        courses.course_attendance_mark(session=session, enrollment=enrolled[0], present=True, by=trainer)
    courses.course_attendance_mark(session=session, enrollment=enrolled[0], present=False, by=trainer)
    assert EnrollmentAttendance.objects.count() == 1 and not EnrollmentAttendance.objects.get().present
    with pytest.raises(ValidationError):  # on the waiting list
        courses.course_attendance_mark(session=session, enrollment=enrolled[2], present=True, by=trainer)


def test_completion_follows_the_attendance_rule(trainer, coordinator, lawyer):
    group = factories.cohort(factories.course(trainer, capacity=5), trainer, coordinator=coordinator)
    held = [factories.cohort_session(group, trainer, days_from_now=-n) for n in range(1, 6)]
    factories.cohort_session(group, trainer, days_from_now=3)  # not held yet: it does not count
    four, three, none = (
        courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True) for _n in range(3)
    )
    for n, session in enumerate(held):
        courses.course_attendance_mark(session=session, enrollment=four, present=n < 4, by=trainer)
        courses.course_attendance_mark(session=session, enrollment=three, present=n < 3, by=trainer)
    counts = courses.cohort_complete(cohort=group, by=trainer)
    assert counts == {"completed": 1, "not_completed": 2}
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses[four.pk] == EnrollmentStatus.COMPLETED  # 4 of 5: 80 %
    assert statuses[three.pk] == statuses[none.pk] == EnrollmentStatus.NOT_COMPLETED
    with pytest.raises(ValidationError):
        courses.cohort_complete(cohort=group, by=trainer)


def test_the_attendance_rule_is_set_per_group(trainer, coordinator, lawyer):
    group = factories.cohort(
        factories.course(trainer), trainer, coordinator=coordinator, min_attendance_percent=60
    )
    held = [factories.cohort_session(group, trainer, days_from_now=-n) for n in range(1, 6)]
    her = courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True)
    for n, session in enumerate(held):
        courses.course_attendance_mark(session=session, enrollment=her, present=n < 3, by=trainer)
    courses.cohort_complete(cohort=group, by=trainer)
    her.refresh_from_db()
    assert her.status == EnrollmentStatus.COMPLETED


def test_a_group_without_a_class_held_cannot_be_closed(group, trainer):
    factories.cohort_session(group, trainer, days_from_now=2)
    with pytest.raises(ValidationError):
        courses.cohort_complete(cohort=group, by=trainer)


# --- outcomes, follow-up and links ------------------------------------------------------------------------------


def _completed(group, lawyer, trainer):
    her = courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True)
    session = factories.cohort_session(group, trainer)
    courses.course_attendance_mark(session=session, enrollment=her, present=True, by=trainer)
    courses.cohort_complete(cohort=group, by=trainer)
    her.refresh_from_db()
    return her


def test_the_outcome_waits_for_the_group_to_close(group, lawyer, trainer):
    her = courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True)
    with pytest.raises(ValidationError):
        courses.outcome_record(enrollment=her, by=trainer, outcome=Outcome.EMPLOYED)


def test_an_outcome_with_a_follow_up_date_reminds_the_coordinator_that_day(
    group, lawyer, trainer, coordinator
):
    her = _completed(group, lawyer, trainer)
    follow_up = timezone.localdate() + timedelta(days=90)
    courses.outcome_record(
        enrollment=her,
        by=trainer,
        outcome=Outcome.OWN_BUSINESS,
        note="Vende pasteles",
        follow_up_on=follow_up,
    )
    notice = Notification.objects.get()
    assert notice.recipient == coordinator and notice.kind == courses.FOLLOW_UP_KIND
    assert timezone.localtime(notice.deliver_at) == timezone.make_aware(
        datetime.combine(follow_up, courses.FOLLOW_UP_HOUR)
    )
    assert notice.url == reverse("programs:enrollment_detail", args=[her.pk])
    assert "Repostería" in notice.message and her.person.given_names not in notice.message
    assert not Notification.objects.visible().exists()  # not before its day
    # moved to another day: the reminder moves, it is not doubled; cleared: withdrawn
    courses.outcome_record(
        enrollment=her, by=trainer, outcome=Outcome.OWN_BUSINESS, follow_up_on=follow_up + timedelta(days=30)
    )
    assert Notification.objects.filter(cancelled_at__isnull=True).count() == 1
    courses.outcome_record(enrollment=her, by=trainer, outcome=Outcome.EMPLOYED)
    assert not Notification.objects.filter(cancelled_at__isnull=True).exists()
    her.refresh_from_db()
    assert her.outcome == Outcome.EMPLOYED and her.follow_up_on is None


def test_a_follow_up_date_in_the_past_is_refused(group, lawyer, trainer):
    her = _completed(group, lawyer, trainer)
    with pytest.raises(ValidationError):
        courses.outcome_record(
            enrollment=her, by=trainer, outcome=Outcome.EMPLOYED, follow_up_on=timezone.localdate()
        )
    assert not Notification.objects.exists()


def test_links_with_other_actors_are_kept_per_participant(group, lawyer, trainer):
    her = _completed(group, lawyer, trainer)
    courses.external_link_add(
        enrollment=her, by=trainer, kind=ExternalLinkKind.MICROCREDIT, name="Fondo Municipal Emprende"
    )
    assert ExternalLink.objects.get().enrollment == her


# --- the pages ------------------------------------------------------------------------------------------------


def test_the_roll_call_of_a_class_saves_each_tap(group, lawyer, trainer, client):
    her = courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True)
    session = factories.cohort_session(group, trainer)
    client.force_login(trainer)
    page = client.get(reverse("programs:cohort_roll_call", args=[group.pk, session.pk])).content.decode()
    assert her.person.full_name in page
    url = reverse("programs:cohort_attendance_mark", args=[group.pk, session.pk, her.pk])
    for _n in range(2):
        response = client.post(url, {"present": "1"}, headers={"accept": "application/json"})
        assert response.json() == {"attendee": her.pk, "present": True}
    assert EnrollmentAttendance.objects.get().present
    # a tap made before the page's script ran is a plain form post: back to the roll call, which shows it
    roll_call = reverse("programs:cohort_roll_call", args=[group.pk, session.pk])
    response = client.post(url, {"present": "0"}, headers={"accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 303 and response.url == roll_call
    assert not EnrollmentAttendance.objects.get().present
    assert "Asistencia guardada: ausente." in client.get(roll_call).content.decode()


def test_the_coordinator_closes_the_group_and_records_the_outcome(
    group, lawyer, trainer, coordinator, client
):
    her = courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True)
    session = factories.cohort_session(group, trainer)
    courses.course_attendance_mark(session=session, enrollment=her, present=True, by=trainer)
    client.force_login(coordinator)
    client.post(reverse("programs:cohort_complete", args=[group.pk]))
    her.refresh_from_db()
    assert her.status == EnrollmentStatus.COMPLETED
    follow_up = timezone.localdate() + timedelta(days=60)
    response = client.post(
        reverse("programs:enrollment_outcome", args=[her.pk]),
        {"outcome": "employed", "note": "Panadería La Espiga", "follow_up_on": follow_up.isoformat()},
    )
    assert response["Location"] == reverse("programs:enrollment_detail", args=[her.pk])
    her.refresh_from_db()
    assert her.outcome == Outcome.EMPLOYED and her.follow_up_on == follow_up


def test_the_course_pages_read_a_bounded_number_of_queries(
    trainer, coordinator, lawyer, client, django_assert_max_num_queries
):
    def pages(group, her):
        return [
            reverse("programs:course_list"),
            reverse("programs:course_detail", args=[group.course_id]),
            reverse("programs:cohort_detail", args=[group.pk]),
            reverse("programs:cohort_roll_call", args=[group.pk, group.sessions.first().pk]),
            reverse("programs:enrollment_detail", args=[her.pk]),
        ]

    def build(size):
        group = factories.cohort(
            factories.course(trainer, trade=f"Costura {size}", capacity=size),
            trainer,
            coordinator=coordinator,
        )
        sessions = [factories.cohort_session(group, trainer, days_from_now=-n) for n in range(1, size + 1)]
        enrolled = [
            courses.enroll(cohort=group, case=_case(lawyer), by=lawyer, consent=True)
            for _n in range(size + 2)
        ]
        for session in sessions:
            for her in enrolled[:size]:
                courses.course_attendance_mark(session=session, enrollment=her, present=True, by=trainer)
        return group, enrolled[0]

    small, big = build(1), build(6)
    client.force_login(trainer)
    # The session's first request writes its last-seen time; not the next.
    client.get(reverse("programs:course_list"))
    counts = []
    for group, her in (small, big):
        row = []
        for url in pages(group, her):
            with django_assert_max_num_queries(25) as done:
                assert client.get(url).status_code == 200
            row.append(len(done.captured_queries))
        counts.append(row)
    assert counts[1] == counts[0]  # the same queries however big the group


def test_her_erasure_takes_her_enrolments_with_her(group, lawyer, trainer):
    from violeta.privacy.services.erasure import person_erase

    her = _completed(group, lawyer, trainer)
    courses.external_link_add(enrollment=her, by=trainer, kind=ExternalLinkKind.SCHOOL, name="CECATI 41")
    person_erase(person=her.person, detail="prueba")
    assert not Enrollment.objects.exists() and not EnrollmentAttendance.objects.exists()
    assert not ExternalLink.objects.exists()


def test_her_case_page_reads_her_courses_in_a_bounded_number_of_queries(
    trainer, coordinator, lawyer, client, django_assert_max_num_queries
):
    case = _case(lawyer)
    client.force_login(lawyer)
    url = reverse("cases:detail", args=[case.folio])
    # The session's first request writes its last-seen time; the ones after, within a minute, do not.
    client.get(url)
    counts = []
    for n in range(3):
        group = factories.cohort(
            factories.course(trainer, trade=f"Oficio {n}"), trainer, coordinator=coordinator
        )
        her = courses.enroll(cohort=group, case=case, by=lawyer, consent=True)
        session = factories.cohort_session(group, trainer)
        courses.course_attendance_mark(session=session, enrollment=her, present=True, by=trainer)
        with django_assert_max_num_queries(60) as done:
            page = client.get(url).content.decode()
        assert f"Oficio {n}" in page and "1 de 1 clases (100 %)" in page
        counts.append(len(done.captured_queries))
    assert counts[0] == counts[1] == counts[2]


# --- A woman without a case file ----------------------------------------------------------------------------

NEW = {
    "given_names": "Yolanda",
    "first_surname": "Carrasco",
    "second_surname": "Bustillos",
    "birth_date": "1988-03-14",
}


def test_a_coordinator_enrols_a_new_participant_after_the_duplicate_check(client, group, coordinator):
    from violeta.people.models import Consent, Person

    client.force_login(coordinator)
    url = reverse("programs:cohort_enroll_new", args=[group.pk])
    response = client.post(url, NEW)  # no consent: refused, nothing stored
    assert "sin su consentimiento no se inscribe" in response.content.decode()
    assert not Person.objects.filter(first_surname="Carrasco").exists() and not Enrollment.objects.exists()
    response = client.post(url, {**NEW, "consent": "on"})
    assert response.status_code == 302
    yolanda = Person.objects.get(first_surname="Carrasco")
    enrollment = Enrollment.objects.get(person=yolanda)
    assert enrollment.status == EnrollmentStatus.ENROLLED and enrollment.consent.granted
    assert Consent.objects.filter(person=yolanda).count() == 1


def test_the_duplicate_check_finds_her_and_this_is_her_enrols_the_existing_record(client, group, coordinator):
    from violeta.people.models import Person
    from violeta.people.tests.factories import PersonFactory

    her = PersonFactory(given_names="Yolanda", first_surname="Carrasco", second_surname="Bustillos")
    client.force_login(coordinator)
    url = reverse("programs:cohort_enroll_new", args=[group.pk])
    page = client.post(url, {**NEW, "given_names": "YOLANDA", "consent": "on"}).content.decode()
    assert "Puede que ya esté registrada" in page and her.full_name in page
    assert not Enrollment.objects.exists()
    response = client.post(url, {**NEW, "consent": "on", "existing_person": her.pk})
    assert response.status_code == 302
    assert (
        Enrollment.objects.get().person == her
        and Person.objects.filter(first_surname="Carrasco").count() == 1
    )
    # an id the check did not offer is refused
    other = PersonFactory(given_names="Otra", first_surname="Persona")
    assert client.post(url, {**NEW, "consent": "on", "existing_person": other.pk}).status_code == 404


def test_a_woman_with_an_active_case_is_enrolled_by_her_team_not_here(client, group, coordinator, lawyer):
    case = _case(lawyer)
    her = case.holder
    client.force_login(coordinator)
    url = reverse("programs:cohort_enroll_new", args=[group.pk])
    data = {
        "given_names": her.given_names,
        "first_surname": her.first_surname,
        "second_surname": her.second_surname,
        "consent": "on",
        "existing_person": her.pk,
    }
    page = client.post(url, data).content.decode()
    assert "su equipo la inscribe desde él" in page
    assert not Enrollment.objects.exists()


def test_the_trainer_does_not_see_the_registry_through_this_page(client, group, trainer):
    client.force_login(trainer)
    assert client.get(reverse("programs:cohort_enroll_new", args=[group.pk])).status_code == 404


def test_her_case_page_shows_the_accompaniment_from_the_case_areas_while_the_course_ran(
    client, group, lawyer, trainer
):
    """Linked to the case's areas, not copied: the course keeps no notes of its own about her care."""
    from violeta.cases.tests.factories import record_consultation

    case = _case(lawyer)
    her = courses.enroll(cohort=group, case=case, by=lawyer, consent=True)
    record_consultation(case, lawyer, summary="Orientación sobre pensión alimenticia.")
    courses.external_link_add(enrollment=her, by=trainer, kind=ExternalLinkKind.SCHOOL, name="CECATI 41")
    client.force_login(lawyer)
    page = client.get(reverse("cases:detail", args=[case.folio])).content.decode()
    assert "Acompañamiento mientras duró el curso:" in page and "(1 atención)" in page
    assert "CECATI 41" in page
    client.force_login(trainer)  # the trainer sees the course, never the case's care
    detail = client.get(reverse("programs:enrollment_detail", args=[her.pk])).content.decode()
    assert "pensión alimenticia" not in detail and "Acompañamiento mientras duró el curso" not in detail
