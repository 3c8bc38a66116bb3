import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.privacy import export
from violeta.privacy.models import ArcoRight
from violeta.privacy.services.arco import arco_export
from violeta.privacy.tests.factories import arco
from violeta.privacy.tests.world import SECRET_REASON, her_world

pytestmark = pytest.mark.django_db


def test_every_model_that_points_at_her_is_classified():
    """A new model with a foreign key chain to a person, a case or a card application must be named in
    export.SECTIONS (exported, with a title) or export.EXCLUDED (with the reason)."""
    found = set(export.discover())
    unclassified = found - set(export.SECTIONS) - set(export.EXCLUDED)
    assert not unclassified, (
        f"add these models to privacy.export.SECTIONS or EXCLUDED: {sorted(unclassified)}"
    )
    stale = set(export.SECTIONS) - found - set(export.ROOT_LABELS)
    assert not stale, f"SECTIONS names models that no longer point at her: {sorted(stale)}"


@pytest.fixture
def world(lawyer, psychologist, receptionist, card_office, dif_liaison):
    return her_world(
        lawyer=lawyer,
        psychologist=psychologist,
        receptionist=receptionist,
        card_office=card_office,
        dif_liaison=dif_liaison,
    )


def _open(content: bytes):
    archive = zipfile.ZipFile(io.BytesIO(content))
    return archive, json.loads(archive.read("datos.json"))


def test_access_request_produces_her_complete_export(world, director):
    person = world["person"]
    request = arco(person, director)
    content = arco_export(request=request, by=director)
    archive, data = _open(content)
    sections = data["secciones"]
    # every model that holds a row about her is in the export, and nothing about the other woman
    expected = {
        label for label, qs in export.her_rows(person).items() if qs.exists() and label not in export.EXCLUDED
    }
    assert set(sections) == expected
    for label in (
        "people.person",
        "people.safecontactpreference",
        "people.consent",
        "cases.case",
        "cases.consultation",
        "cases.areanote",
        "violence.violenceincident",
        "legal.legalmatter",
        "legal.hearing",
        "documents.document",
        "agenda.appointment",
        "referrals.referral",
        "card.cardapplication",
        "alerts.miaaccount",
        "alerts.alert",
        "alerts.emergencycontact",
        "privacy.arcorequest",
    ):
        assert sections.get(label, {}).get("registros"), f"{label} missing from her export"
    text = archive.read("datos.json").decode()
    assert SECRET_REASON in text  # decrypted
    assert "Nota jurídica reservada." in text
    assert "Motivo de otra mujer" not in text
    assert world["other"].folio not in text
    for secret in ("pin_hash", "token_hash", "confirm_token", "verify_token", "holder_token"):
        assert secret not in text
    # her document's file travels in the ZIP
    names = archive.namelist()
    assert any(name.startswith("archivos/documents-document/") for name in names)
    assert "resumen.html" in names
    summary = archive.read("resumen.html").decode()
    assert person.full_name in summary and "Expedientes" in summary
    # who read her data: the audit events about her and her cases
    assert data["bitacora"]


def test_export_is_audited_and_only_for_the_handler(world, director, client):
    person = world["person"]
    request = arco(person, director)
    client.force_login(director)
    url = reverse("privacy:arco_export", kwargs={"pk": request.pk})
    assert client.get(url).status_code == 405  # a download is asked for by POST, never by a link
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert person.full_name not in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action=Action.EXPORT, object_type="people.person").latest("id")
    assert event.object_id == str(person.pk) and event.actor == director
    assert AuditEvent.objects.filter(action=Action.EXPORT, case_id=world["case"].pk).exists()


def test_director_who_does_not_handle_it_gets_no_export(world, director, coordinator, client):
    request = arco(world["person"], coordinator)
    client.force_login(director)
    assert client.post(reverse("privacy:arco_export", kwargs={"pk": request.pk})).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_only_access_requests_export(world, director):
    request = arco(world["person"], director, right=ArcoRight.OPPOSITION)
    with pytest.raises(ValidationError) as error:
        arco_export(request=request, by=director)
    assert error.value.code == "right"


def test_her_export_asks_to_reauthenticate_sixteen_minutes_after_sign_in(world, director, client):
    from violeta.accounts.tests.test_account_security import minutes_since_sign_in

    request = arco(world["person"], director)
    client.force_login(director)
    minutes_since_sign_in(client, 16)
    response = client.post(reverse("privacy:arco_export", kwargs={"pk": request.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_her_export_carries_her_consents_expiry_withdrawal_and_signature(lawyer, receptionist, director):
    """Issue 20: a consent's expiry, its withdrawal (when, how, what she said) and her signature are hers."""
    import base64

    from violeta.cases.tests.factories import CaseFactory
    from violeta.people.models import WithdrawalMeans
    from violeta.people.services import consent_record, consent_withdraw
    from violeta.people.tests.test_consents import signature_png

    person = CaseFactory(opened_by=lawyer).holder
    png = signature_png()
    consent = consent_record(
        person=person, by=lawyer, purpose="referral", method="signature", signature_png=png
    )
    consent_withdraw(
        consent=consent, by=receptionist, means=WithdrawalMeans.PHONE, note="Ya no desea compartir."
    )
    _archive, data = _open(arco_export(request=arco(person, director), by=director))
    rows = data["secciones"]["people.consent"]["registros"]
    row = next(r for r in rows if r.get("signature_sha256") == consent.signature_sha256)
    assert row["expires_on"] and row["withdrawal_note"] == "Ya no desea compartir."
    assert row["withdrawal_means"] and row["revoked_at"]
    assert base64.b64decode(row["signature_png"]) == png
