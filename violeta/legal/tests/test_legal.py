from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import CaseEvent, CaseTeamMember, EventKind
from violeta.cases.tests.factories import CaseFactory
from violeta.legal import services
from violeta.legal.models import Hearing, HearingStatus, LegalMatter, MatterKind, MatterStage
from violeta.legal.tests.factories import make_hearing, make_matter
from violeta.notifications.models import Notification

pytestmark = pytest.mark.django_db


def reminders(user, hearing=None):
    notices = Notification.objects.filter(recipient=user, kind="legal.hearing")
    if hearing is not None:
        notices = notices.filter(key__startswith=f"legal.hearing:{hearing.pk}:")
    return notices


def pending(user, hearing=None):
    return reminders(user, hearing).filter(cancelled_at__isnull=True)


# --- matters -------------------------------------------------------------------------------------------------


def test_lawyer_opens_a_matter_with_its_first_stage_timeline_and_audit(lawyer, receptionist):
    case = CaseFactory(opened_by=receptionist)
    CaseTeamMember.objects.create(case=case, user=lawyer, area=lawyer.area, added_by=receptionist)
    matter = services.matter_open(
        case=case, by=lawyer, kind=MatterKind.DIVORCE, authority="Juzgado Segundo Familiar", counterpart="Él"
    )
    assert matter.responsible == lawyer
    assert list(matter.stage_changes.values_list("stage", flat=True)) == [MatterStage.ADVICE]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.LEGAL).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="legal.legalmatter", case_id=case.pk)


def test_responsible_lawyer_joins_the_team(lawyer, coordinator):
    case = CaseFactory(opened_by=coordinator)
    services.matter_open(case=case, by=coordinator, kind=MatterKind.ALIMONY, responsible=lawyer)
    assert case.team_members.filter(user=lawyer).exists()


def test_only_the_legal_area_opens_matters(lawyer, psychologist, director):
    case = CaseFactory(opened_by=lawyer, team=(psychologist,))
    for user in (psychologist, director):
        with pytest.raises(PermissionDenied):
            services.matter_open(case=case, by=user, kind=MatterKind.OTHER)
    with pytest.raises(ValidationError):
        services.matter_open(case=case, by=lawyer, kind=MatterKind.OTHER, responsible=psychologist)
    assert not LegalMatter.objects.exists()


def test_stage_history_records_who_and_when(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    services.matter_stage_set(matter=matter, by=lawyer, stage=MatterStage.FILED, note="Demanda presentada")
    matter.refresh_from_db()
    assert matter.stage == MatterStage.FILED
    latest = matter.stage_changes.first()
    assert (latest.stage, latest.by, latest.note) == (MatterStage.FILED, lawyer, "Demanda presentada")
    with pytest.raises(ValidationError):
        services.matter_stage_set(matter=matter, by=lawyer, stage=MatterStage.FILED)


# --- hearings and their reminders -----------------------------------------------------------------------------


def test_scheduling_a_hearing_reminds_the_lawyer_a_day_and_two_hours_before(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    starts = timezone.now() + timedelta(days=5)
    hearing = make_hearing(matter, starts_at=starts)
    times = sorted(pending(lawyer, hearing).values_list("deliver_at", flat=True))
    assert times == [starts - timedelta(days=1), starts - timedelta(hours=2)]
    notice = pending(lawyer, hearing).first()
    assert matter.case.folio in notice.message
    assert matter.case.holder.given_names not in notice.message
    assert notice.url == reverse("legal:matter_detail", kwargs={"pk": matter.pk})
    assert CaseEvent.objects.filter(case=matter.case, kind=EventKind.HEARING).exists()


def test_a_hearing_in_three_hours_gets_only_the_two_hour_reminder(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter, starts_at=timezone.now() + timedelta(hours=3))
    assert [n.key.rsplit(":", 1)[1] for n in pending(lawyer, hearing)] == ["2h"]


def test_rescheduling_moves_the_reminders_without_duplicating_them(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter, starts_at=timezone.now() + timedelta(days=2))
    later = timezone.now() + timedelta(days=10)
    services.hearing_reschedule(hearing=hearing, by=lawyer, starts_at=later, reason="Diferida por el juzgado")
    assert reminders(lawyer, hearing).count() == 2
    assert sorted(pending(lawyer, hearing).values_list("deliver_at", flat=True)) == [
        later - timedelta(days=1),
        later - timedelta(hours=2),
    ]
    hearing.refresh_from_db()
    assert hearing.starts_at == later
    assert "Diferida" in hearing.notes


def test_rescheduling_to_within_a_day_withdraws_the_day_before_reminder(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter, starts_at=timezone.now() + timedelta(days=4))
    services.hearing_reschedule(hearing=hearing, by=lawyer, starts_at=timezone.now() + timedelta(hours=5))
    assert [n.key.rsplit(":", 1)[1] for n in pending(lawyer, hearing)] == ["2h"]


def test_cancelling_withdraws_the_reminders(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter)
    other = make_hearing(matter, starts_at=timezone.now() + timedelta(days=8))
    services.hearing_cancel(hearing=hearing, by=lawyer, reason="Suspendida")
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.CANCELLED
    assert reminders(lawyer, hearing).count() == 2
    assert not pending(lawyer, hearing).exists()
    assert pending(lawyer, other).count() == 2
    with pytest.raises(ValidationError):
        services.hearing_reschedule(hearing=hearing, by=lawyer, starts_at=timezone.now() + timedelta(days=3))


def test_a_new_responsible_lawyer_takes_over_the_reminders(lawyer, outsider):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter)
    services.matter_update(
        matter=matter,
        by=lawyer,
        responsible=outsider,
        authority="",
        court_file_number="123/2026",
        counterpart="",
        summary="",
    )
    assert not pending(lawyer, hearing).exists()
    assert pending(outsider, hearing).count() == 2
    assert matter.case.team_members.filter(user=outsider).exists()


def test_outcome_only_after_the_hearing_and_it_withdraws_reminders(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter, starts_at=timezone.now() + timedelta(hours=4))
    with pytest.raises(ValidationError):
        services.hearing_record_outcome(hearing=hearing, by=lawyer, outcome="Se fijó pensión provisional")
    Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    hearing.refresh_from_db()
    services.hearing_record_outcome(hearing=hearing, by=lawyer, outcome="Se fijó pensión provisional")
    assert hearing.status == HearingStatus.HELD
    assert not pending(lawyer, hearing).exists()


def test_a_hearing_in_the_past_is_refused(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    with pytest.raises(ValidationError) as error:
        make_hearing(matter, starts_at=timezone.now() - timedelta(days=3))
    assert "starts_at" in error.value.error_dict
    assert not Hearing.objects.exists()
    assert not Notification.objects.exists()


# --- pages ---------------------------------------------------------------------------------------------------


def test_lawyer_records_a_matter_and_a_hearing_from_the_pages(client, lawyer):
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    response = client.post(
        reverse("legal:matter_create", kwargs={"folio": case.folio}),
        {"kind": MatterKind.PATERNITY, "responsible": lawyer.pk, "authority": "Registro Civil"},
    )
    matter = LegalMatter.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("legal:matter_detail", kwargs={"pk": matter.pk})
    starts = timezone.localtime() + timedelta(days=2)
    response = client.post(
        reverse("legal:hearing_create", kwargs={"pk": matter.pk}),
        {"kind": "hearing", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "place": "Sala 3"},
    )
    assert response.status_code == 302
    assert pending(lawyer).count() == 2
    page = client.get(reverse("legal:matter_detail", kwargs={"pk": matter.pk})).content.decode()
    assert "Sala 3" in page
    case_page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert reverse("legal:matter_detail", kwargs={"pk": matter.pk}) in case_page


def test_a_past_date_shows_a_spanish_error_and_stores_nothing(client, lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    client.force_login(lawyer)
    response = client.post(
        reverse("legal:hearing_create", kwargs={"pk": matter.pk}),
        {"kind": "hearing", "starts_at": "2020-01-01T10:00"},
    )
    assert response.status_code == 200
    assert "La fecha ya pasó" in response.content.decode()
    assert not Hearing.objects.exists()


def test_the_rest_of_the_team_does_not_see_legal_matters(client, lawyer, psychologist, receptionist):
    case = CaseFactory(opened_by=lawyer, team=(psychologist, receptionist))
    matter = make_matter(case, counterpart="Nombre de la contraparte")
    url = reverse("legal:matter_detail", kwargs={"pk": matter.pk})
    for user in (psychologist, receptionist):
        client.force_login(user)
        assert client.get(url).status_code == 404
        case_page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
        assert url not in case_page
        denied = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=user).latest("id")
        assert denied.case_id == case.pk and denied.flagged


def test_director_reads_but_does_not_write(client, lawyer, director):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    client.force_login(director)
    assert client.get(reverse("legal:matter_detail", kwargs={"pk": matter.pk})).status_code == 200
    assert client.get(reverse("legal:hearing_create", kwargs={"pk": matter.pk})).status_code == 404
    assert AuditEvent.objects.filter(
        actor=director, action=Action.VIEW, object_type="legal.legalmatter"
    ).exists()


def _desk_world(lawyer, n):
    for index in range(n):
        matter = make_matter(CaseFactory(opened_by=lawyer), kind=MatterKind.ALIMONY)
        make_hearing(matter, starts_at=timezone.now() + timedelta(days=1 + index % 20, hours=1))
        make_hearing(matter, starts_at=timezone.now() + timedelta(days=40))


def test_lawyer_desk_shows_her_matters_and_next_hearings_in_bounded_queries(
    client, lawyer, outsider, django_assert_max_num_queries
):
    _desk_world(lawyer, 2)
    make_matter(CaseFactory(opened_by=outsider))  # not hers
    client.force_login(lawyer)
    with django_assert_max_num_queries(15) as few:
        response = client.get(reverse("legal:desk"))
    assert len(response.context["desk"].matters) == 2
    assert len(response.context["desk"].hearings) == 2
    _desk_world(lawyer, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("legal:desk"))
    assert len(response.context["desk"].matters) == 27
    assert len(response.context["desk"].hearings) == 27
    assert "Mis asuntos" in response.content.decode()


def test_coordinator_widens_the_desk_to_the_area(client, lawyer, outsider, coordinator):
    make_matter(CaseFactory(opened_by=lawyer))
    make_matter(CaseFactory(opened_by=outsider))
    client.force_login(coordinator)
    response = client.get(reverse("legal:desk"), {"scope": "all"})
    assert len(response.context["desk"].matters) == 2


def test_case_page_queries_do_not_grow_with_matters(client, lawyer, django_assert_max_num_queries):
    small = CaseFactory(opened_by=lawyer)
    make_hearing(make_matter(small))
    big = CaseFactory(opened_by=lawyer)
    for _ in range(8):
        make_hearing(make_matter(big))
    client.force_login(lawyer)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("cases:detail", kwargs={"folio": small.folio}))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:detail", kwargs={"folio": big.folio}))
    assert response.status_code == 200


def test_demo_builds_matters_hearings_and_documents_through_the_services(lawyer, outsider):
    from violeta.core.demo import Demo
    from violeta.documents import demo as documents_demo
    from violeta.documents.models import Document
    from violeta.documents.storage import private_storage
    from violeta.legal import demo as legal_demo

    for _ in range(3):
        CaseFactory(opened_by=lawyer)
    CaseFactory(opened_by=outsider)
    demo = Demo.create()
    demo["accounts.users"] = {"abogada": lawyer, "abogada2": outsider}
    legal_demo.load(demo)
    documents_demo.load(demo)
    counts = demo.counts
    assert counts["legal_matters"] == 4 == LegalMatter.objects.count()
    assert Hearing.objects.filter(starts_at__gt=timezone.now()).count() == counts["hearings"] >= 3
    assert pending(lawyer).exists()
    assert Document.objects.count() == counts["documents"] == 8  # two PDFs and two evidence items each
    for document in Document.objects.filter(evidence_kind=""):
        assert private_storage.open(document.file.name).read(5) == b"%PDF-"
    assert Document.objects.exclude(evidence_kind="").count() == 4


def test_the_reminder_reaches_the_lawyers_inbox_and_mail_when_its_time_comes(client, lawyer, mailoutbox):
    from violeta.notifications.services import notifications_deliver_due

    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter, starts_at=timezone.now() + timedelta(hours=3))
    assert notifications_deliver_due() == 0  # not yet: two hours before
    client.force_login(lawyer)
    assert matter.case.folio not in client.get(reverse("notifications:inbox")).content.decode()
    pending(lawyer, hearing).update(deliver_at=timezone.now() - timedelta(minutes=1))  # time passes
    assert notifications_deliver_due() == 1
    assert matter.case.folio in client.get(reverse("notifications:inbox")).content.decode()
    assert len(mailoutbox) == 1
    assert matter.case.folio not in mailoutbox[0].subject + mailoutbox[0].body


def test_a_matter_with_scheduled_hearings_cannot_be_closed(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter)
    with pytest.raises(ValidationError) as error:
        services.matter_stage_set(matter=matter, by=lawyer, stage=MatterStage.CONCLUDED)
    assert "stage" in error.value.error_dict
    services.hearing_cancel(hearing=hearing, by=lawyer)
    services.matter_stage_set(matter=matter, by=lawyer, stage=MatterStage.CONCLUDED)
    matter.refresh_from_db()
    assert not matter.is_open
    with pytest.raises(ValidationError):
        make_hearing(matter)


def test_matter_page_queries_do_not_grow_with_hearings_stages_and_documents(
    client, lawyer, django_assert_max_num_queries
):
    from violeta.legal.tests.factories import make_document

    small = make_matter(CaseFactory(opened_by=lawyer))
    big = make_matter(CaseFactory(opened_by=lawyer))
    for index in range(6):
        make_hearing(big, starts_at=timezone.now() + timedelta(days=index + 2))
        make_document(big.case, lawyer, matter=big, title=f"Escrito {index}")
    for stage in (MatterStage.PREPARATION, MatterStage.FILED, MatterStage.IN_PROCESS):
        services.matter_stage_set(matter=big, by=lawyer, stage=stage)
    client.force_login(lawyer)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("legal:matter_detail", kwargs={"pk": small.pk}))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("legal:matter_detail", kwargs={"pk": big.pk}))
    assert response.status_code == 200
    assert "Escrito 5" in response.content.decode()


# --- hearings set at short notice, and their length ------------------------------------------------------------


def test_a_hearing_set_less_than_two_hours_ahead_notifies_the_lawyer_at_once(lawyer, coordinator):
    """Set by the coordinator this morning for noon: too late for both reminders, so the lawyer is told now."""
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = services.hearing_schedule(
        matter=matter, by=coordinator, starts_at=timezone.now() + timedelta(minutes=90)
    )
    notices = list(pending(lawyer, hearing))
    assert len(notices) == 1
    notice = notices[0]
    assert notice.deliver_at <= timezone.now()
    assert ":soon-" in notice.key
    assert matter.case.folio in notice.message and "menos de dos horas" in notice.message
    assert matter.case.holder.given_names not in notice.message
    assert Notification.objects.visible().filter(recipient=lawyer, pk=notice.pk).exists()
    assert not pending(coordinator).exists()


def test_moving_a_hearing_to_within_two_hours_notifies_at_once(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter, starts_at=timezone.now() + timedelta(days=2))
    services.hearing_reschedule(hearing=hearing, by=lawyer, starts_at=timezone.now() + timedelta(minutes=30))
    keys = [n.key.rsplit(":", 1)[1] for n in pending(lawyer, hearing)]
    assert len(keys) == 1 and keys[0].startswith("soon-")


def test_a_hearing_already_past_gets_no_notice(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    # opened before the hearing it records (a hearing before its matter was opened is refused)
    LegalMatter.objects.filter(pk=matter.pk).update(opened_at=timezone.now() - timedelta(days=10))
    matter.refresh_from_db()
    hearing = make_hearing(matter, starts_at=timezone.now() - timedelta(hours=1))
    assert not reminders(lawyer, hearing).exists()


def test_a_hearing_lasts_two_hours_unless_told_and_its_length_is_checked(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter)
    assert hearing.ends_at - hearing.starts_at == timedelta(hours=2)
    for bad in (5, 9 * 60):
        with pytest.raises(ValidationError):
            make_hearing(matter, duration_minutes=bad)
    assert matter.hearings.count() == 1


def test_the_desk_selector_audits_the_matters_it_returns(lawyer, outsider):
    """lawyer_desk audits what it returns itself (the view cannot forget): one VIEW line per matter shown."""
    from violeta.legal.selectors import lawyer_desk

    _desk_world(lawyer, 2)
    make_matter(CaseFactory(opened_by=outsider))  # not hers
    desk = lawyer_desk(lawyer, scope="mine")
    events = AuditEvent.objects.filter(actor=lawyer, action=Action.VIEW, detail="mis asuntos")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(m.pk) for m in desk.matters)
    assert sorted(events.values_list("case_id", flat=True)) == sorted(m.case_id for m in desk.matters)


# --- dates checked against sense (issue 16) -------------------------------------------------------------------


def test_a_hearing_before_the_matter_was_opened_is_refused(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    LegalMatter.objects.filter(pk=matter.pk).update(opened_at=timezone.now() - timedelta(hours=3))
    matter.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        make_hearing(matter, starts_at=matter.opened_at - timedelta(hours=2))
    assert "starts_at" in error.value.error_dict
    assert "anterior a la apertura del asunto" in error.value.message_dict["starts_at"][0]
    assert not Hearing.objects.exists()
    assert not Notification.objects.exists()


def test_a_hearing_cannot_be_moved_before_the_matter_was_opened(lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    hearing = make_hearing(matter)
    LegalMatter.objects.filter(pk=matter.pk).update(opened_at=timezone.now() - timedelta(hours=3))
    matter.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.hearing_reschedule(
            hearing=hearing, by=lawyer, starts_at=matter.opened_at - timedelta(hours=1)
        )
    assert "starts_at" in error.value.error_dict
    hearing.refresh_from_db()
    assert hearing.starts_at > timezone.now()


def test_the_hearing_form_shows_a_date_before_the_matter_on_the_field(client, lawyer):
    matter = make_matter(CaseFactory(opened_by=lawyer))
    client.force_login(lawyer)
    before = timezone.localtime(matter.opened_at) - timedelta(hours=2)
    response = client.post(
        reverse("legal:hearing_create", kwargs={"pk": matter.pk}),
        {"kind": "hearing", "starts_at": before.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("starts_at")
    assert not Hearing.objects.exists()
