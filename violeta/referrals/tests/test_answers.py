"""What a partner does in real life: declining after accepting, and the counter-referral letter as one PDF."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.documents.models import Document
from violeta.referrals import services
from violeta.referrals.models import Outcome, Referral, ReferralStatus
from violeta.referrals.tests.factories import institution, link, refer

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pdf(name="carta.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize("attention", [False, True])
def test_a_liaison_rejects_after_accepting_with_a_reason(case, social_worker, dif, liaison, attention):
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    if attention:
        services.referral_start_attention(referral=referral, by=liaison)
    with pytest.raises(ValidationError):
        services.referral_reject(referral=referral, by=liaison, reason="")
    services.referral_reject(
        referral=referral, by=liaison, reason="No es de nuestra competencia tras revisarlo."
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED and referral.closed_at is not None
    assert referral.rejection_reason == "No es de nuestra competencia tras revisarlo."
    assert referral.events.last().from_status in (ReferralStatus.RECEIVED, ReferralStatus.IN_ATTENTION)


def test_the_liaison_page_offers_rejecting_after_accepting(client, case, social_worker, dif, liaison):
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    client.force_login(liaison)
    page = client.get(reverse("referrals:liaison_detail", kwargs={"folio": referral.folio})).content.decode()
    assert 'value="reject"' in page
    client.post(
        reverse("referrals:liaison_answer", kwargs={"folio": referral.folio}),
        {"action": "reject", "note": "No es de nuestra competencia."},
    )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.REJECTED


def test_counter_referral_with_a_pdf_letter(client, case, social_worker, lawyer, dif, liaison):
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    client.force_login(liaison)
    response = client.post(
        reverse("referrals:liaison_answer", kwargs={"folio": referral.folio}),
        {
            "action": "report",
            "counter_referral": "Se le asignó lugar en guardería.",
            "outcome": Outcome.SERVICE_GIVEN,
            "letter": _pdf(),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.referral_id == referral.pk and document.case_id == case.pk
    assert document.content_type == "application/pdf"
    # the liaison downloads it, audited
    url = reverse("referrals:liaison_counter_letter", kwargs={"folio": referral.folio})
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        actor=liaison, action=Action.VIEW, object_type="documents.document", object_id=str(document.pk)
    ).exists()
    # the case team downloads it from the referral, audited
    client.force_login(lawyer)
    staff = client.get(reverse("referrals:counter_letter", kwargs={"folio": referral.folio}))
    assert staff.status_code == 200
    assert AuditEvent.objects.filter(
        actor=lawyer, action=Action.VIEW, object_type="documents.document"
    ).exists()
    detail = client.get(reverse("referrals:detail", kwargs={"folio": referral.folio})).content.decode()
    assert reverse("referrals:counter_letter", kwargs={"folio": referral.folio}) in detail
    # both downloads are in the letter's chain of custody (documents.CustodyEntry)
    downloads = document.custody.filter(kind="downloaded").values_list("by", flat=True)
    assert sorted(downloads) == sorted([liaison.pk, lawyer.pk])


@pytest.mark.parametrize(
    "name,content",
    [
        ("carta.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),  # an image, not a PDF
        ("carta.pdf", b"MZ\x90\x00 not a pdf at all"),  # a renamed program
        ("carta.pdf", b""),  # empty
    ],
)
def test_a_letter_that_is_not_a_pdf_is_refused_and_nothing_is_stored(
    case, social_worker, dif, liaison, name, content
):
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    with pytest.raises(ValidationError) as exc:
        services.referral_report_back(
            referral=referral,
            by=liaison,
            counter_referral="Atendida.",
            outcome=Outcome.SERVICE_GIVEN,
            letter=_pdf(name, content),
        )
    assert "letter" in exc.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED and not Document.objects.exists()


def test_a_letter_over_the_limit_is_refused(settings, case, social_worker, dif, liaison):
    settings.DOCUMENTS_MAX_BYTES = 1024
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    with pytest.raises(ValidationError):
        services.referral_report_back(
            referral=referral,
            by=liaison,
            counter_referral="Atendida.",
            outcome=Outcome.SERVICE_GIVEN,
            letter=_pdf(content=PDF + b"0" * 2048),
        )
    assert not Document.objects.exists()


def test_only_the_case_team_and_that_liaison_download_the_letter(
    client, case, social_worker, dif, liaison, outsider, receptionist, police, db
):
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    services.referral_report_back(
        referral=referral,
        by=liaison,
        counter_referral="Atendida.",
        outcome=Outcome.SERVICE_GIVEN,
        letter=_pdf(),
    )
    staff_url = reverse("referrals:counter_letter", kwargs={"folio": referral.folio})
    liaison_url = reverse("referrals:liaison_counter_letter", kwargs={"folio": referral.folio})
    # a lawyer outside the case: 404, audited as a refusal
    client.force_login(outsider)
    assert client.get(staff_url).status_code == 404
    assert AuditEvent.objects.filter(actor=outsider, action=Action.ACCESS_DENIED).exists()
    # another institution's liaison: 404
    from violeta.accounts.models import Role
    from violeta.conftest import make_user

    other = make_user("enlace.policia@example.org", Role.LIAISON)
    link(other, police)
    client.force_login(other)
    assert client.get(liaison_url).status_code == 404
    # a liaison never reaches the staff URL nor the documents app
    client.force_login(liaison)
    assert client.get(staff_url).status_code == 404
    document = Document.objects.get()
    assert (
        client.get(reverse("documents:download", kwargs={"public_id": document.public_id})).status_code == 404
    )


def test_a_referral_without_letter_answers_404(client, case, social_worker, dif, liaison):
    referral = refer(case, social_worker, dif)
    client.force_login(liaison)
    assert (
        client.get(reverse("referrals:liaison_counter_letter", kwargs={"folio": referral.folio})).status_code
        == 404
    )


def test_another_case_cannot_receive_the_letter(case, social_worker, dif, liaison, lawyer):
    from django.core.exceptions import PermissionDenied

    from violeta.documents.services import document_upload

    referral = refer(case, social_worker, dif)
    other_case = CaseFactory(opened_by=lawyer)
    with pytest.raises(PermissionDenied):
        document_upload(by=liaison, case=other_case, file=_pdf(), title="Carta", referral=referral)
    assert institution("dif") == dif


def test_each_counter_referral_letter_download_is_audited_as_an_export(
    client, case, social_worker, lawyer, dif, liaison
):
    referral = refer(case, social_worker, dif)
    services.referral_accept(referral=referral, by=liaison)
    services.referral_report_back(
        referral=referral,
        by=liaison,
        counter_referral="Atendida.",
        outcome=Outcome.SERVICE_GIVEN,
        letter=_pdf(),
    )
    document = Document.objects.get()
    for user, name in ((liaison, "referrals:liaison_counter_letter"), (lawyer, "referrals:counter_letter")):
        client.force_login(user)
        assert client.get(reverse(name, kwargs={"folio": referral.folio})).status_code == 200
        export = AuditEvent.objects.get(actor=user, action=Action.EXPORT)
        assert (export.object_type, export.object_id, export.case_id) == (
            "documents.document",
            str(document.pk),
            case.pk,
        )


def test_only_the_liaison_of_the_referred_institution_attaches_to_the_referral(
    case, social_worker, dif, liaison, police, merchant
):
    """The documents app asks the referrals app (its registry of attachers) who may attach to a referral."""
    from django.core.exceptions import PermissionDenied

    from violeta.accounts.models import Role
    from violeta.cases.tests.factories import StaffFactory
    from violeta.documents.services import document_upload

    referral = refer(case, social_worker, dif)
    police_liaison = StaffFactory(role=Role.LIAISON)
    link(police_liaison, police)
    for outsider in (police_liaison, merchant):
        with pytest.raises(PermissionDenied):
            document_upload(by=outsider, case=case, file=_pdf(), title="Carta", referral=referral)
    document = document_upload(by=liaison, case=case, file=_pdf(), title="Carta", referral=referral)
    assert document.referral == referral and Document.objects.count() == 1
