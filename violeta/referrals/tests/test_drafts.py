"""A draft is changed or cancelled before it is sent; once sent, what the institution received never changes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import EventKind
from violeta.referrals import services
from violeta.referrals.models import Referral, ReferralEvent, ReferralStatus, Urgency
from violeta.referrals.tests.factories import refer

pytestmark = pytest.mark.django_db


def _edit(referral, by, **changes):
    data = {
        "institution": referral.institution,
        "reason": referral.reason,
        "shared_summary": referral.shared_summary,
        "urgency": referral.urgency,
        "consent_given": services.has_referral_consent(referral),
        "consent_scope": referral.consent.scope if referral.consent else "",
    }
    data.update(changes)
    return services.referral_update(referral=referral, by=by, **data)


def test_a_draft_is_edited_and_its_history_says_what_changed(case, social_worker, dif, police):
    draft = refer(case, social_worker, dif, send=False, consent=False)
    _edit(
        draft,
        social_worker,
        institution=police,
        reason="Denuncia por amenazas",
        shared_summary="Recibe amenazas por teléfono.",
        urgency=Urgency.URGENT,
        consent_given=True,
        consent_scope="Compartir con la policía municipal",
    )
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT
    assert (draft.institution, draft.urgency) == (police, Urgency.URGENT)
    assert draft.shared_summary == "Recibe amenazas por teléfono."
    assert (
        services.has_referral_consent(draft) and draft.consent.scope == "Compartir con la policía municipal"
    )
    step = ReferralEvent.objects.filter(referral=draft).last()
    assert step.from_status == step.to_status == ReferralStatus.DRAFT
    assert "institución" in step.note.lower() or "institution" in step.note.lower()
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, detail__startswith="borrador de canalización"
    ).exists()
    # now it can be sent by the worker: her consent was recorded on the draft
    services.referral_send(referral=draft, by=social_worker)
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.SENT


def test_unticking_consent_detaches_it_and_the_worker_can_no_longer_send(case, social_worker, dif):
    draft = refer(case, social_worker, dif, send=False)
    _edit(draft, social_worker, consent_given=False, consent_scope="")
    draft.refresh_from_db()
    assert draft.consent is None
    with pytest.raises(ValidationError) as exc:
        services.referral_send(referral=draft, by=social_worker)
    assert exc.value.code == "consent_required"


def test_bad_edit_stores_nothing(case, social_worker, dif):
    draft = refer(case, social_worker, dif, send=False)
    with pytest.raises(ValidationError) as exc:
        _edit(draft, social_worker, shared_summary="  ", reason="Otro motivo")
    assert "shared_summary" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.reason == "Apoyo para sus hijos" and draft.shared_summary == "Requiere apoyo de guardería."


def test_a_sent_referral_cannot_change(case, social_worker, dif):
    referral = refer(case, social_worker, dif)
    with pytest.raises(ValidationError) as exc:
        _edit(referral, social_worker, shared_summary="Otro resumen que no recibió la institución.")
    assert exc.value.code == "not_draft"
    referral.refresh_from_db()
    assert referral.shared_summary == "Requiere apoyo de guardería."
    with pytest.raises(ValidationError):
        services.referral_cancel(referral=referral, by=social_worker, reason="Ya no hace falta")


def test_cancel_needs_a_reason_and_leaves_a_dated_step_and_a_timeline_line(case, social_worker, dif, liaison):
    draft = refer(case, social_worker, dif, send=False)
    with pytest.raises(ValidationError):
        services.referral_cancel(referral=draft, by=social_worker, reason=" ")
    services.referral_cancel(referral=draft, by=social_worker, reason="Ella prefiere acudir por su cuenta.")
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.CANCELLED and draft.closed_at is not None
    step = draft.events.last()
    assert step.to_status == ReferralStatus.CANCELLED and step.note == "Ella prefiere acudir por su cuenta."
    line = case.events.filter(kind=EventKind.REFERRAL).order_by("-id").first()
    assert draft.folio in line.description and "Ella prefiere" not in line.description
    # cancelled is final: it cannot be sent, edited, and the institution never sees it
    with pytest.raises(ValidationError):
        services.referral_send(referral=draft, by=social_worker)
    with pytest.raises(ValidationError):
        _edit(draft, social_worker, reason="Otra cosa")
    from violeta.referrals import selectors

    assert not selectors.liaison_referrals(liaison).filter(pk=draft.pk).exists()
    assert selectors.referral_by_token(draft.verify_token) is None


@pytest.mark.parametrize("persona", ["receptionist", "dif_liaison"])
def test_only_referring_roles_edit_or_cancel(request, case, social_worker, dif, persona):
    draft = refer(case, social_worker, dif, send=False)
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        _edit(draft, user, reason="Cambiado por quien no debe")
    with pytest.raises(PermissionDenied):
        services.referral_cancel(referral=draft, by=user, reason="Cancelada por quien no debe")
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT and draft.reason == "Apoyo para sus hijos"


def test_edit_page_saves_the_draft(client, case, social_worker, dif, police):
    draft = refer(case, social_worker, dif, send=False)
    client.force_login(social_worker)
    url = reverse("referrals:edit", kwargs={"folio": draft.folio})
    page = client.get(url)
    assert page.status_code == 200 and "Requiere apoyo de guardería." in page.content.decode()
    response = client.post(
        url,
        {
            "institution": police.pk,
            "urgency": "priority",
            "reason": "Denuncia",
            "shared_summary": "Resumen corregido",
            "consent_given": "on",
            "consent_scope": "Compartir con la policía",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.institution == police and draft.shared_summary == "Resumen corregido"


def test_edit_page_shows_a_spanish_error_and_stores_nothing(client, case, social_worker, dif):
    draft = refer(case, social_worker, dif, send=False)
    client.force_login(social_worker)
    response = client.post(
        reverse("referrals:edit", kwargs={"folio": draft.folio}),
        {
            "institution": dif.pk,
            "urgency": "ordinary",
            "reason": "Otro",
            "shared_summary": "Otro resumen",
            "consent_given": "on",
            "consent_scope": "",
        },
    )
    assert response.status_code == 200
    assert "Escriba" in response.content.decode() or "Describa" in response.content.decode()
    draft.refresh_from_db()
    assert draft.reason == "Apoyo para sus hijos"


def test_edit_page_of_a_sent_referral_sends_back_without_changing(client, case, social_worker, dif):
    referral = refer(case, social_worker, dif)
    client.force_login(social_worker)
    url = reverse("referrals:edit", kwargs={"folio": referral.folio})
    response = client.post(
        url,
        {"institution": dif.pk, "urgency": "ordinary", "reason": "x", "shared_summary": "Cambiado"},
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).shared_summary == "Requiere apoyo de guardería."


def test_cancel_page(client, case, social_worker, dif):
    draft = refer(case, social_worker, dif, send=False)
    client.force_login(social_worker)
    url = reverse("referrals:cancel", kwargs={"folio": draft.folio})
    client.post(url, {"reason": ""})
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT
    response = client.post(url, {"reason": "Se atenderá en el instituto."})
    assert response.status_code == 302
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.CANCELLED
    detail = client.get(reverse("referrals:detail", kwargs={"folio": draft.folio})).content.decode()
    assert "Se atenderá en el instituto." in detail


@pytest.mark.parametrize("persona,status", [("outsider", 404), ("receptionist", 404), ("dif_liaison", 404)])
def test_edit_and_cancel_pages_refuse_others(client, case, social_worker, dif, request, persona, status):
    draft = refer(case, social_worker, dif, send=False)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("referrals:edit", kwargs={"folio": draft.folio})).status_code == status
    response = client.post(
        reverse("referrals:cancel", kwargs={"folio": draft.folio}), {"reason": "No hace falta"}
    )
    assert response.status_code == status
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT


@pytest.mark.parametrize(
    "action, field", [("referrals:send", "override_reason"), ("referrals:cancel", "reason")]
)
def test_invalid_input_to_send_or_cancel_gets_a_spanish_error_and_changes_nothing(
    client, case, coordinator, dif, action, field
):
    """The form's own errors are shown: before, they were ignored and the service ran on an empty value (a draft
    with her consent was sent whatever the override reason said)."""
    from violeta.referrals.models import ReferralEvent

    draft = refer(case, coordinator, dif, send=False)
    events = ReferralEvent.objects.filter(referral=draft).count()
    client.force_login(coordinator)
    response = client.post(reverse(action, kwargs={"folio": draft.folio}), {field: "x" * 1001}, follow=True)
    page = response.content.decode()
    assert "como máximo 1000 caracteres" in page or "a lo sumo 1000 caracteres" in page, page[:3000]
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT
    assert ReferralEvent.objects.filter(referral=draft).count() == events
