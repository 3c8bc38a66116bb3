import contextlib
import re
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case, EventKind
from violeta.cases.tests.factories import CaseFactory
from violeta.people.privacy_notice import current_notice
from violeta.referrals import documents
from violeta.referrals.models import InboundReferral, InboundStatus, Referral, ReferralStatus
from violeta.referrals.tests.factories import refer

pytestmark = pytest.mark.django_db


def test_social_worker_refers_to_dif_from_the_case(client, case, social_worker, dif):
    client.force_login(social_worker)
    url = reverse("referrals:create", kwargs={"folio": case.folio})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "institution": dif.pk,
            "person": case.holder_id,
            "urgency": "priority",
            "reason": "Apoyo de guardería",
            "shared_summary": "Madre de dos niños; necesita guardería para trabajar.",
            "consent_given": "on",
            "consent_scope": "Compartir este resumen con el DIF",
            "send": "1",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", kwargs={"folio": referral.folio})
    assert referral.status == ReferralStatus.SENT and referral.consent is not None


def test_without_consent_the_form_shows_a_spanish_error_and_stores_nothing(client, case, social_worker, dif):
    client.force_login(social_worker)
    response = client.post(
        reverse("referrals:create", kwargs={"folio": case.folio}),
        {
            "institution": dif.pk,
            "person": case.holder_id,
            "urgency": "ordinary",
            "reason": "Apoyo",
            "shared_summary": "Resumen",
            "consent_scope": "",
            "send": "1",
        },
    )
    assert response.status_code == 200
    assert "No ha dado su consentimiento" in response.content.decode()
    assert not Referral.objects.exists()


def test_liaison_sees_only_her_institutions_referrals(
    client, case, social_worker, dif, police, liaison, django_assert_max_num_queries
):
    mine = refer(case, social_worker, dif)
    draft = refer(case, social_worker, dif, send=False)
    other = refer(case, social_worker, police)
    client.force_login(liaison)
    with django_assert_max_num_queries(12):
        inbox = client.get(reverse("referrals:liaison_inbox") + "?estado=")
    body = inbox.content.decode()
    assert mine.folio in body
    assert other.folio not in body and draft.folio not in body
    page = client.get(reverse("referrals:liaison_detail", kwargs={"folio": mine.folio}))
    assert page.status_code == 200
    assert "guardería" in page.content.decode()  # the shared summary
    assert case.reason not in page.content.decode()  # nothing of the case file
    assert case.folio not in page.content.decode()
    for folio in (other.folio, draft.folio, "CAN-2000-9999"):
        assert client.get(reverse("referrals:liaison_detail", kwargs={"folio": folio})).status_code == 404
    denied = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=liaison, object_id=other.folio)
    assert denied.get().flagged


def test_liaison_cannot_answer_another_institutions_referral(client, case, social_worker, police, liaison):
    other = refer(case, social_worker, police)
    client.force_login(liaison)
    response = client.post(
        reverse("referrals:liaison_answer", kwargs={"folio": other.folio}), {"action": "accept"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == ReferralStatus.SENT


def test_the_case_file_is_never_reachable_by_the_liaison(client, case, social_worker, dif, liaison):
    referral = refer(case, social_worker, dif)
    client.force_login(liaison)
    urls = [
        reverse("cases:detail", kwargs={"folio": case.folio}),
        reverse("cases:list"),
        reverse("people:detail", kwargs={"pk": case.holder_id}),
        reverse("referrals:case_list", kwargs={"folio": case.folio}),
        reverse("referrals:detail", kwargs={"folio": referral.folio}),
        reverse("referrals:letter", kwargs={"folio": referral.folio}),
        reverse("audit:case", kwargs={"folio": case.folio}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert case.reason not in response.content.decode()


def test_liaison_accepts_and_reports_back_through_the_portal(client, case, social_worker, dif, liaison):
    referral = refer(case, social_worker, dif)
    client.force_login(liaison)
    url = reverse("referrals:liaison_answer", kwargs={"folio": referral.folio})
    assert client.post(url, {"action": "accept"}).status_code == 302
    client.post(
        url, {"action": "report", "counter_referral": "Inscrita en guardería.", "outcome": "service_given"}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ATTENDED
    client.force_login(social_worker)
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    for label in ("Enviada a la institución", "Recibida", "Atendida"):
        assert f"{referral.folio} · {referral.institution} · {label}" in page
    detail = client.get(reverse("referrals:detail", kwargs={"folio": referral.folio})).content.decode()
    assert "Inscrita en guardería." in detail


def test_invalid_transition_in_the_portal_is_a_message_not_a_change(
    client, case, social_worker, dif, liaison
):
    referral = refer(case, social_worker, dif)
    client.force_login(liaison)
    url = reverse("referrals:liaison_answer", kwargs={"folio": referral.folio})
    response = client.post(
        url,
        {"action": "report", "counter_referral": "Ya fue atendida.", "outcome": "service_given"},
        follow=True,
    )
    assert "no puede cambiar" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_outsider_gets_404_on_a_referral_and_its_letter(client, case, social_worker, dif, outsider):
    referral = refer(case, social_worker, dif)
    client.force_login(outsider)
    for name in ("referrals:detail", "referrals:letter"):
        assert client.get(reverse(name, kwargs={"folio": referral.folio})).status_code == 404


def test_letter_content(case, social_worker, dif, settings):
    settings.SITE_URL = "https://violeta.example.mx"
    referral = refer(case, social_worker, dif, summary="Necesita guardería para sus dos hijos.")
    html = documents.letter_html(referral)
    assert referral.folio in html
    assert settings.INSTITUTE["name"] in html and settings.INSTITUTE["address"] in html
    assert dif.name in html
    assert "Necesita guardería para sus dos hijos." in html
    assert case.holder.full_name in html
    assert social_worker.full_name in html  # the signature block
    assert case.reason not in html  # the file is not in the letter
    assert f"https://violeta.example.mx/canalizaciones/verificar/{referral.verify_token}/" in html
    assert "data:image/svg+xml" in html  # the QR


def pdf_titles(pdf: bytes) -> list[str]:
    """The document title and bookmarks of a WeasyPrint PDF (no PDF library in the venv: inflate the streams)."""
    text = pdf
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            text += zlib.decompress(match.group(1))
    return [bytes.fromhex(h.decode()).decode("utf-16") for h in re.findall(rb"/Title\s*<([0-9a-f]+)>", text)]


def test_letter_pdf_is_served_and_its_export_audited(client, case, social_worker, dif):
    referral = refer(case, social_worker, dif)
    client.force_login(social_worker)
    response = client.get(reverse("referrals:letter", kwargs={"folio": referral.folio}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    titles = pdf_titles(response.content)
    assert f"Oficio de canalización {referral.folio}" in titles
    assert {"Motivo de la canalización", "Resumen compartido con la institución"} <= set(titles)
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, actor=social_worker, object_id=str(referral.pk), case_id=case.pk
    ).exists()


def test_no_letter_for_a_draft(client, case, social_worker, dif):
    draft = refer(case, social_worker, dif, send=False)
    client.force_login(social_worker)
    assert client.get(reverse("referrals:letter", kwargs={"folio": draft.folio})).status_code == 404


def test_the_letters_qr_url_verifies_without_personal_data(client, case, social_worker, dif):
    referral = refer(case, social_worker, dif)
    html = documents.letter_html(referral)
    url = re.search(r"https?://[^/]+(/canalizaciones/verificar/[^/<\s]+/)", html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert referral.folio in body and dif.name in body and "Auténtico" in body
    assert timezone.localtime(referral.sent_at).strftime("%d/%m/%Y") in body
    for private in (case.holder.full_name, case.holder.first_surname, referral.shared_summary, case.folio):
        assert private not in body


def test_a_wrong_or_draft_token_does_not_verify(client, case, social_worker, dif):
    draft = refer(case, social_worker, dif, send=False)
    assert client.get(reverse("referrals:verify", kwargs={"token": "x" * 32})).status_code == 404
    assert client.get(reverse("referrals:verify", kwargs={"token": draft.verify_token})).status_code == 404


def test_overdue_page_lists_only_overdue_referrals_of_visible_cases(
    client, case, social_worker, dif, lawyer, outsider, django_assert_max_num_queries
):
    late = refer(case, social_worker, dif)
    on_time = refer(case, social_worker, dif)
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    other_case = CaseFactory(opened_by=outsider)
    elsewhere = refer(other_case, outsider, dif)
    Referral.objects.filter(pk=elsewhere.pk).update(due_at=timezone.now() - timedelta(days=2))
    client.force_login(lawyer)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("referrals:overdue")).content.decode()
    assert late.folio in body
    assert on_time.folio not in body and elsewhere.folio not in body


def test_response_days_are_per_institution(case, social_worker, dif, police):
    police.response_days = 1
    police.save()
    slow, fast = refer(case, social_worker, dif), refer(case, social_worker, police)
    in_two_days = timezone.now() + timedelta(days=2)
    assert slow.due_at > in_two_days > fast.due_at


def test_case_referral_pages_query_counts(client, case, social_worker, dif, django_assert_max_num_queries):
    for _ in range(3):
        refer(case, social_worker, dif)
    referral = Referral.objects.first()
    client.force_login(social_worker)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("referrals:case_list", kwargs={"folio": case.folio})).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("referrals:detail", kwargs={"folio": referral.folio})).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("referrals:institutions")).status_code == 200


def test_staff_records_an_answer_on_behalf_of_an_institution_without_accounts(
    client, case, social_worker, police
):
    referral = refer(case, social_worker, police)
    client.force_login(social_worker)
    client.post(reverse("referrals:answer", kwargs={"folio": referral.folio}), {"action": "accept"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED
    assert case.events.filter(kind=EventKind.REFERRAL, actor=social_worker).count() == 3


def test_a_closed_referral_no_longer_invites_to_record_an_answer(client, case, social_worker, police):
    # The invitation stood alone on an attended referral, above no form (seen in the referral journey).
    invitation = "registre aquí su respuesta"
    referral = refer(case, social_worker, police)
    client.force_login(social_worker)
    page = reverse("referrals:detail", kwargs={"folio": referral.folio})
    assert invitation in client.get(page).content.decode()
    answer = reverse("referrals:answer", kwargs={"folio": referral.folio})
    client.post(answer, {"action": "accept"})
    client.post(
        answer, {"action": "report", "counter_referral": "Se le dio atención.", "outcome": "service_given"}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ATTENDED
    assert invitation not in client.get(page).content.decode()


def test_inbound_referral_becomes_a_prefilled_intake(client, liaison, receptionist):
    client.force_login(liaison)
    response = client.post(
        reverse("referrals:inbound_create"),
        {
            "given_names": "Ana",
            "first_surname": "Zubiría",
            "phone": "614 123 4567",
            "urgency": "ordinary",
            "reason": "Requiere asesoría para pensión alimenticia.",
            "consent_given": "on",
        },
    )
    assert response.status_code == 302
    inbound = InboundReferral.objects.get()
    client.force_login(receptionist)
    assert "Zubiría" in client.get(reverse("referrals:inbound_list")).content.decode()
    page = client.get(reverse("referrals:inbound_intake", kwargs={"pk": inbound.pk})).content.decode()
    assert 'value="Zubiría"' in page and "pensión alimenticia" in page
    response = client.post(
        reverse("referrals:inbound_intake", kwargs={"pk": inbound.pk}),
        {
            "p-given_names": "Ana",
            "p-first_surname": "Zubiría",
            "p-approximate_age": "30",
            "p-gender": "woman",
            "s-phone_choice": "none",
            "c-privacy_notice_accepted": "on",
            "c-privacy_notice_sha256": current_notice().sha256,
            "c-arrival_channel": "referred",
            "c-arrival_detail": "DIF Municipal",
            "c-reason": "Requiere asesoría para pensión alimenticia.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    inbound.refresh_from_db()
    case = Case.objects.get()
    assert inbound.status == InboundStatus.CONVERTED and inbound.case == case
    assert case.events.filter(kind=EventKind.REFERRAL).exists()
    assert client.get(reverse("referrals:inbound_intake", kwargs={"pk": inbound.pk})).status_code == 404


def test_liaison_without_institution_sees_a_notice(client, dif_liaison):
    client.force_login(dif_liaison)
    response = client.get(reverse("referrals:liaison_inbox"))
    assert response.status_code == 200
    assert client.get(reverse("referrals:inbound_create")).status_code == 404


def test_liaison_does_not_see_the_override_reason(client, case, coordinator, dif, liaison):
    reason = "Riesgo alto; no fue posible localizarla para su firma."
    referral = refer(case, coordinator, dif, consent=False, override_reason=reason)
    client.force_login(liaison)
    page = client.get(reverse("referrals:liaison_detail", kwargs={"folio": referral.folio})).content.decode()
    assert referral.folio in page and reason not in page
    client.force_login(coordinator)
    page = client.get(reverse("referrals:detail", kwargs={"folio": referral.folio})).content.decode()
    assert reason in page


def test_letter_says_consent_only_when_she_gave_it(case, social_worker, coordinator, dif):
    with_consent = documents.letter_html(refer(case, social_worker, dif))
    overridden = documents.letter_html(
        refer(
            case, coordinator, dif, consent=False, override_reason="Riesgo alto; no fue posible localizarla."
        )
    )
    assert "con su consentimiento" in with_consent
    assert "con su consentimiento" not in overridden
    assert "Riesgo alto" not in overridden  # the override's reason is the institute's, not the letter's
    assert re.search(r"\d{1,2} de [a-z]+ de \d{4}", with_consent)


def test_sysadmin_adds_an_institution_and_links_a_liaison(client, sysadmin, dif_liaison):
    client.force_login(sysadmin)
    response = client.post(
        reverse("referrals:institution_create"),
        {
            "i-name": "Centro de Justicia para las Mujeres",
            "i-short_name": "CEJUM",
            "i-code": "cejum",
            "i-kind": "justice_center",
            "i-response_days": "3",
            "i-is_active": "on",
        },
    )
    assert response.status_code == 302
    from violeta.referrals.models import Institution

    cejum = Institution.objects.get(code="cejum")
    edit = reverse("referrals:institution_edit", kwargs={"pk": cejum.pk})
    assert client.post(edit, {"l-user": dif_liaison.pk}).status_code == 302
    cejum.refresh_from_db()
    assert dif_liaison.liaison.institution == cejum and cejum.has_accounts
    assert client.post(edit, {"unlink": dif_liaison.pk}).status_code == 302
    assert not cejum.liaisons.exists()


def test_institution_needs_its_fields(client, director):
    client.force_login(director)
    response = client.post(reverse("referrals:institution_create"), {"i-name": "Sin datos"})
    assert response.status_code == 200
    from violeta.referrals.models import Institution

    assert not Institution.objects.exists()


def test_staff_cannot_edit_institutions(client, lawyer, dif):
    client.force_login(lawyer)
    assert client.get(reverse("referrals:institution_edit", kwargs={"pk": dif.pk})).status_code == 404
    assert client.get(reverse("referrals:institutions")).status_code == 200


def test_liaison_downloads_only_her_institutions_letters(client, case, social_worker, dif, police, liaison):
    mine, other = refer(case, social_worker, dif), refer(case, social_worker, police)
    client.force_login(liaison)
    response = client.get(reverse("referrals:liaison_letter", kwargs={"folio": mine.folio}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor=liaison, object_id=str(mine.pk)).exists()
    assert client.get(reverse("referrals:liaison_letter", kwargs={"folio": other.folio})).status_code == 404
