import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import EventKind
from violeta.notifications.models import Notification
from violeta.people.models import ConsentPurpose
from violeta.referrals import inbound as inbound_referrals
from violeta.referrals import network, services
from violeta.referrals.models import Outcome, Referral, ReferralStatus
from violeta.referrals.tests.factories import refer

pytestmark = pytest.mark.django_db


def test_referral_with_consent_is_sent_with_folio_due_date_and_consent(case, social_worker, dif, liaison):
    referral = refer(case, social_worker, dif)
    assert referral.status == ReferralStatus.SENT
    assert referral.folio.startswith(f"CAN-{timezone.localdate().year}-")
    assert referral.consent.purpose == ConsentPurpose.REFERRAL
    assert referral.consent.person == case.holder
    assert referral.consent.recorded_by == social_worker
    assert referral.consent.scope
    assert referral.due_at - referral.sent_at == timedelta(days=dif.response_days)
    assert not referral.flagged
    assert Notification.objects.filter(recipient=liaison, kind="referral").exists()
    assert [e.to_status for e in referral.events.all()] == ["draft", "sent"]


def test_folios_are_consecutive(case, social_worker, dif):
    first = refer(case, social_worker, dif)
    second = refer(case, social_worker, dif)
    assert int(second.folio.rsplit("-", 1)[1]) == int(first.folio.rsplit("-", 1)[1]) + 1


def test_without_consent_a_worker_cannot_send_and_nothing_is_stored(case, social_worker, dif):
    with pytest.raises(ValidationError) as exc:
        refer(case, social_worker, dif, consent=False, override_reason="La usuaria está en riesgo alto.")
    assert exc.value.code == "consent_required"
    assert not Referral.objects.exists()


def test_a_draft_without_consent_cannot_be_sent_by_the_worker(case, social_worker, dif):
    draft = refer(case, social_worker, dif, consent=False, send=False)
    assert draft.status == ReferralStatus.DRAFT
    with pytest.raises(ValidationError):
        services.referral_send(referral=draft, by=social_worker)
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT and draft.sent_at is None


def test_coordinator_override_needs_a_written_reason(case, coordinator, dif):
    draft = refer(case, coordinator, dif, consent=False, send=False)
    with pytest.raises(ValidationError) as exc:
        services.referral_send(referral=draft, by=coordinator, override_reason="porque sí")
    assert "override_reason" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT


def test_coordinator_override_is_sent_and_flagged_for_the_director(case, coordinator, dif, client, director):
    draft = refer(case, coordinator, dif, consent=False, send=False)
    reason = "Riesgo feminicida alto; no es posible localizarla para firmar hoy."
    services.referral_send(referral=draft, by=coordinator, override_reason=reason)
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.SENT
    assert draft.flagged and draft.overridden_by == coordinator and draft.override_reason == reason
    event = AuditEvent.objects.get(object_type="referrals.referral", object_id=str(draft.pk), flagged=True)
    assert event.actor == coordinator and event.case_id == case.pk
    client.force_login(director)
    page = client.get("/auditoria/")
    assert page.status_code == 200
    assert "canalización enviada sin consentimiento" in page.content.decode()


def test_reception_cannot_refer(case, receptionist, dif):
    with pytest.raises(PermissionDenied):
        refer(case, receptionist, dif)


def test_liaison_accepts_and_reports_back_and_the_case_shows_every_step(
    case, social_worker, lawyer, dif, liaison
):
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    services.referral_start_attention(referral=referral, by=liaison)
    services.referral_report_back(
        referral=referral,
        by=liaison,
        counter_referral="Inscrita en guardería.",
        outcome=Outcome.SERVICE_GIVEN,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ATTENDED
    assert referral.counter_referral == "Inscrita en guardería."
    assert referral.answered_at and referral.closed_at
    steps = [e.to_status for e in referral.events.all()]
    assert steps == ["draft", "sent", "received", "in_attention", "attended"]
    timeline = list(case.events.filter(kind=EventKind.REFERRAL).values_list("description", flat=True))
    assert len(timeline) == 5
    assert all(referral.folio in line for line in timeline)
    assert not any("guardería" in line for line in timeline)  # what she shared stays off the timeline
    for member in (social_worker, lawyer):
        assert Notification.objects.filter(recipient=member, kind="referral").count() == 3


@pytest.mark.parametrize(
    "action",
    [
        lambda r, by: services.referral_report_back(
            referral=r, by=by, counter_referral="Atendida.", outcome=Outcome.SERVICE_GIVEN
        ),
        lambda r, by: services.referral_start_attention(referral=r, by=by),
    ],
)
def test_invalid_transitions_are_refused(case, social_worker, dif, liaison, action):
    referral = refer(case, social_worker, dif)  # sent: it must be received first
    with pytest.raises(ValidationError) as exc:
        action(referral, liaison)
    assert exc.value.code == "invalid_transition"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_final_states_are_final(case, social_worker, dif, liaison):
    referral = refer(case, social_worker, dif)
    services.referral_reject(referral=referral, by=liaison, reason="No es de nuestra competencia.")
    with pytest.raises(ValidationError):
        services.referral_accept(referral=referral, by=liaison)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED
    assert referral.rejection_reason == "No es de nuestra competencia."


def test_reject_needs_a_reason(case, social_worker, dif, liaison):
    referral = refer(case, social_worker, dif)
    with pytest.raises(ValidationError):
        services.referral_reject(referral=referral, by=liaison, reason=" ")


def test_another_institutions_liaison_cannot_answer(case, social_worker, police, liaison):
    referral = refer(case, social_worker, police)
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, by=liaison)


def test_liaison_cannot_act_on_a_draft(case, social_worker, dif, liaison):
    draft = refer(case, social_worker, dif, send=False)
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=draft, by=liaison)


def test_only_liaison_accounts_are_linked(lawyer, dif):
    with pytest.raises(ValidationError):
        network.liaison_link(user=lawyer, institution=dif, by=lawyer)


def test_overdue_notice_once_a_day(case, social_worker, lawyer, dif):
    referral = refer(case, social_worker, dif)
    on_time = refer(case, social_worker, dif)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timedelta(days=8), due_at=timezone.now() - timedelta(days=3)
    )
    assert services.referrals_overdue_notify() == 1
    assert services.referrals_overdue_notify() == 0  # idempotent within the day
    notices = Notification.objects.filter(kind="referral_overdue")
    assert {n.recipient for n in notices} == {social_worker, lawyer}
    assert all(referral.folio in n.message and on_time.folio not in n.message for n in notices)
    tomorrow = timezone.now() + timedelta(days=1)
    assert services.referrals_overdue_notify(now=tomorrow) == 1


def test_answered_referral_is_not_overdue(case, social_worker, dif, liaison):
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(days=1))
    referral.refresh_from_db()
    assert not referral.is_overdue
    assert services.referrals_overdue_notify() == 0


def test_inbound_referral_needs_consent_and_a_linked_liaison(dif_liaison, liaison, receptionist):
    with pytest.raises(ValidationError):
        inbound_referrals.inbound_referral_create(
            by=liaison, given_names="Ana", first_surname="López", reason="Asesoría", consent_given=False
        )
    inbound = inbound_referrals.inbound_referral_create(
        by=liaison, given_names="Ana", first_surname="López", reason="Asesoría", consent_given=True
    )
    assert inbound.institution.code == "dif"
    assert Notification.objects.filter(recipient=receptionist, kind="referral_inbound").exists()


def test_unlinked_liaison_cannot_send_inbound(db, dif_liaison):
    with pytest.raises(PermissionDenied):
        inbound_referrals.inbound_referral_create(
            by=dif_liaison, given_names="Ana", first_surname="López", reason="x", consent_given=True
        )


def test_audit_records_the_referral_writes(case, social_worker, dif):
    referral = refer(case, social_worker, dif)
    actions = set(
        AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk)).values_list(
            "action", flat=True
        )
    )
    assert {Action.CREATE, Action.UPDATE} <= actions


def test_sending_schedules_the_overdue_check_and_the_command_runs_the_round(case, social_worker, dif):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    referral = refer(case, social_worker, dif)
    task = DBTaskResult.objects.get(task_path="violeta.referrals.tasks.referral_overdue_check")
    assert task.args_kwargs["args"] == [referral.pk]
    assert task.run_after >= referral.due_at
    assert services.referral_overdue_check_run(referral_id=referral.pk) is False  # not due yet
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("referrals_overdue", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert Notification.objects.filter(kind="referral_overdue", recipient=social_worker).count() == 1
    assert services.referral_overdue_check_run(referral_id=referral.pk) is False  # already told today


# --- Issue 20: her consent is checked when the referral is sent, and when its letter is printed ---------------


def test_a_draft_whose_consent_lapsed_is_refused_at_sending_with_the_date(case, social_worker, dif):
    from violeta.people.models import Consent

    draft = refer(case, social_worker, dif, send=False)
    lapsed_on = timezone.localdate() - timedelta(days=2)
    Consent.objects.filter(pk=draft.consent_id).update(
        given_on=lapsed_on - timedelta(days=365), expires_on=lapsed_on
    )
    with pytest.raises(ValidationError) as refused:
        services.referral_send(referral=draft, by=social_worker)
    assert refused.value.messages == [
        f"El consentimiento para canalizar venció el {lapsed_on:%d/%m/%Y}; registre uno nuevo antes de enviar."
    ]
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT and draft.sent_at is None


def test_a_draft_whose_consent_she_withdrew_is_refused_at_sending(case, social_worker, dif):
    from violeta.people.models import WithdrawalMeans
    from violeta.people.services import consent_withdraw

    draft = refer(case, social_worker, dif, send=False)
    consent_withdraw(consent=draft.consent, by=social_worker, means=WithdrawalMeans.PHONE)
    with pytest.raises(ValidationError) as refused:
        services.referral_send(referral=draft, by=social_worker)
    assert refused.value.code == "consent_not_in_force"
    assert "retiró el consentimiento para canalizar" in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT


def test_the_letter_of_a_sent_referral_is_refused_once_she_withdrew_her_consent(
    client, case, social_worker, dif
):
    from django.urls import reverse

    from violeta.people.models import WithdrawalMeans
    from violeta.people.services import consent_withdraw

    referral = refer(case, social_worker, dif)
    consent_withdraw(consent=referral.consent, by=social_worker, means=WithdrawalMeans.IN_PERSON)
    client.force_login(social_worker)
    response = client.get(reverse("referrals:letter", kwargs={"folio": referral.folio}), follow=True)
    assert "application/pdf" not in response["Content-Type"]
    assert "retiró el consentimiento para canalizar" in response.content.decode()
