"""Issue 20, item 5: consents that expire and can be withdrawn, with her signature drawn at the desk or verbal
consent before a witness; the director's default validity per purpose."""

import base64
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.people.consents import add_months, consent_in_force
from violeta.people.models import Consent, ConsentPurpose, ConsentValidity, WithdrawalMeans
from violeta.people.services import consent_record, consent_validity_set, consent_withdraw
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def signature_png(*, blank=False, size=(600, 200)) -> bytes:
    """A PNG like the canvas sends: transparent, with a stroke of ink (none when ``blank``)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line(
            [(20, 150), (120, 40), (220, 160), (380, 60)], fill=(20, 20, 20, 255), width=4
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_url(raw: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(raw).decode()


# --- expiry -----------------------------------------------------------------------------------------------------


def test_the_default_validity_of_the_purpose_fills_the_expiry(receptionist):
    person = PersonFactory()
    given = datetime.date(2026, 1, 31)
    referral = consent_record(person=person, by=receptionist, purpose=ConsentPurpose.REFERRAL, given_on=given)
    statistics = consent_record(
        person=person, by=receptionist, purpose=ConsentPurpose.STATISTICS, given_on=given
    )
    assert referral.expires_on == datetime.date(2027, 1, 31)  # seeded: 12 months
    assert statistics.expires_on is None  # seeded: no expiry
    chosen = consent_record(
        person=person,
        by=receptionist,
        purpose=ConsentPurpose.REFERRAL,
        given_on=given,
        expires_on=datetime.date(2026, 6, 1),
    )
    assert chosen.expires_on == datetime.date(2026, 6, 1)  # the person recording it may change it
    refused = consent_record(person=person, by=receptionist, purpose=ConsentPurpose.SMS, granted=False)
    assert refused.expires_on is None
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)


def test_a_consent_holds_until_the_day_it_expires(receptionist):
    person = PersonFactory()
    today = timezone.localdate()
    consent = consent_record(
        person=person,
        by=receptionist,
        purpose=ConsentPurpose.REFERRAL,
        given_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=1),
    )
    assert consent_in_force(person, ConsentPurpose.REFERRAL) == consent
    assert consent.in_force(today) and not consent.in_force(today + datetime.timedelta(days=1))
    assert Consent.objects.in_force(today + datetime.timedelta(days=1)).filter(pk=consent.pk).count() == 0
    assert consent.state == "expires"


def test_a_purpose_without_its_row_keeps_what_violeta_ships_and_the_directors_row_wins(
    receptionist, director
):
    """A database whose seeded rows are gone (emptied between browser tests) still gives a referral 12 months; a
    row the director wrote, even "no expiry", wins over it."""
    ConsentValidity.objects.all().delete()
    person = PersonFactory()
    given = datetime.date(2026, 3, 1)
    sms = consent_record(person=person, by=receptionist, purpose=ConsentPurpose.SMS, given_on=given)
    assert sms.expires_on == datetime.date(2027, 3, 1)
    consent_validity_set(by=director, purpose=ConsentPurpose.SMS, months=None)
    again = consent_record(person=person, by=receptionist, purpose=ConsentPurpose.SMS, given_on=given)
    assert again.expires_on is None


def test_the_director_edits_the_default_validity_and_nobody_else(client, director, lawyer):
    url = reverse("people:consent_validity")
    client.force_login(lawyer)
    assert client.get(url).status_code == 404
    client.force_login(director)
    page = client.get(url).content.decode()
    assert "Vigencia predeterminada de los consentimientos" in page
    data = dict.fromkeys(ConsentPurpose.values, "") | {"referral": "6", "sms": "12"}
    assert client.post(url, data).status_code == 302
    assert ConsentValidity.objects.get(purpose="referral").months == 6
    assert AuditEvent.objects.filter(object_type="people.consentvalidity", actor=director).exists()
    given = datetime.date(2026, 1, 15)
    consent = consent_record(person=PersonFactory(), by=lawyer, purpose="referral", given_on=given)
    assert consent.expires_on == datetime.date(2026, 7, 15)
    with pytest.raises(PermissionDenied):
        consent_validity_set(by=lawyer, purpose="referral", months=3)


# --- withdrawal -------------------------------------------------------------------------------------------------


def test_withdrawal_is_recorded_and_takes_effect_at_once(receptionist, lawyer):
    person = PersonFactory()
    consent = consent_record(person=person, by=receptionist, purpose=ConsentPurpose.SMS)
    assert consent_in_force(person, ConsentPurpose.SMS) == consent
    consent_withdraw(consent=consent, by=lawyer, means=WithdrawalMeans.PHONE, note="Ya no quiere mensajes.")
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == lawyer
    assert (
        consent.withdrawal_means == WithdrawalMeans.PHONE
        and consent.withdrawal_note == "Ya no quiere mensajes."
    )
    assert consent_in_force(person, ConsentPurpose.SMS) is None
    assert consent.state == "withdrawn"
    with pytest.raises(Exception):  # noqa: B017 - a second withdrawal has nothing to withdraw
        consent_withdraw(consent=consent, by=lawyer, means=WithdrawalMeans.PHONE)


def test_withdrawing_from_her_page(client, lawyer):
    case = CaseFactory(opened_by=lawyer)
    consent = consent_record(person=case.holder, by=lawyer, purpose=ConsentPurpose.REFERRAL)
    client.force_login(lawyer)
    url = reverse("people:consent_withdraw", kwargs={"pk": case.holder.pk, "consent_pk": consent.pk})
    response = client.post(url, {"means": "in_person", "note": "Lo dijo en recepción."})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_by == lawyer
    page = client.get(reverse("people:detail", kwargs={"pk": case.holder.pk})).content.decode()
    assert f"retirado el {timezone.localdate():%d/%m/%Y}" in page


def test_her_page_shows_each_consents_state(client, lawyer):
    case = CaseFactory(opened_by=lawyer)
    today = timezone.localdate()
    person = case.holder
    consent_record(person=person, by=lawyer, purpose="care", expires_on=None)
    consent_record(person=person, by=lawyer, purpose="sms", expires_on=today + datetime.timedelta(days=30))
    consent_record(
        person=person,
        by=lawyer,
        purpose="referral",
        given_on=today - datetime.timedelta(days=40),
        expires_on=today - datetime.timedelta(days=3),
    )
    client.force_login(lawyer)
    page = client.get(reverse("people:detail", kwargs={"pk": person.pk})).content.decode()
    assert "vigente" in page
    assert f"vence el {today + datetime.timedelta(days=30):%d/%m/%Y}" in page
    assert f"venció el {today - datetime.timedelta(days=3):%d/%m/%Y}" in page


# --- her signature, or verbal consent before a witness ----------------------------------------------------------


def _form(purpose="referral", **extra):
    return {
        "purpose": purpose,
        "granted": "on",
        "given_on": timezone.localdate().isoformat(),
        "scope": "",
    } | extra


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("data:image/jpeg;base64,/9j/4AAQ", "La firma no es una imagen PNG."),
        (data_url(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10), "La firma no es una imagen PNG."),
        (data_url(signature_png(blank=True)), "La firma está en blanco"),
        (data_url(signature_png(size=(4000, 200))), "La firma es demasiado grande."),
        ("data:image/png;base64," + "A" * 400_000, "La firma es demasiado grande."),
    ],
)
def test_a_signature_that_is_not_a_real_png_or_blank_or_too_big_is_refused(
    client, lawyer, signature, message
):
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    url = reverse("people:consent_add", kwargs={"pk": case.holder.pk})
    response = client.post(url, _form(method="signature", signature=signature))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not case.holder.consents.filter(purpose="referral").exists()


def test_a_signature_is_stored_encrypted_and_shown_only_through_the_audited_view(
    client, lawyer, social_worker
):
    case = CaseFactory(opened_by=lawyer)
    png = signature_png()
    client.force_login(lawyer)
    url = reverse("people:consent_add", kwargs={"pk": case.holder.pk})
    response = client.post(url, _form(method="signature", signature=data_url(png)))
    assert response.status_code == 302
    consent = case.holder.consents.get(purpose="referral")
    assert consent.method == "signature" and base64.b64decode(consent.signature_png) == png
    with connection.cursor() as cursor:
        cursor.execute("SELECT signature_png FROM people_consent WHERE id = %s", [consent.pk])
        stored = cursor.fetchone()[0]
    assert base64.b64encode(png).decode()[:40] not in stored  # encrypted at rest

    detail = client.get(response["Location"]).content.decode()
    image_url = reverse("people:consent_signature", kwargs={"pk": case.holder.pk, "consent_pk": consent.pk})
    assert image_url in detail and consent.signature_sha256 in detail
    image = client.get(image_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content == png
    assert "no-store" in image["Cache-Control"]
    assert AuditEvent.objects.filter(
        action=Action.VIEW,
        object_type="people.consent",
        object_id=str(consent.pk),
        detail="firma del consentimiento",
    ).exists()
    client.force_login(social_worker)  # not on her case
    assert client.get(image_url).status_code == 404


def test_verbal_consent_needs_a_witness_who_is_not_who_records_it(client, lawyer, receptionist):
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    url = reverse("people:consent_add", kwargs={"pk": case.holder.pk})
    response = client.post(url, _form(method="verbal"))
    assert (
        "Indique qué integrante del personal presenció su consentimiento verbal." in response.content.decode()
    )
    response = client.post(url, _form(method="verbal", witness=str(lawyer.pk)))
    assert response.status_code == 200  # herself: not a choice
    assert not case.holder.consents.filter(purpose="referral").exists()
    response = client.post(url, _form(method="verbal", witness=str(receptionist.pk)))
    assert response.status_code == 302
    consent = case.holder.consents.get(purpose="referral")
    assert consent.method == "verbal" and consent.witness == receptionist
    with pytest.raises(Exception):  # noqa: B017 - the service refuses it too
        consent_record(person=case.holder, by=lawyer, purpose="sms", method="verbal", witness=lawyer)


def test_the_consent_pages_query_counts_are_bounded(client, lawyer, django_assert_max_num_queries):
    case = CaseFactory(opened_by=lawyer)
    for _n in range(8):
        consent_record(
            person=case.holder, by=lawyer, purpose="sms", method="signature", signature_png=signature_png()
        )
    consent = case.holder.consents.first()
    client.force_login(lawyer)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("people:detail", kwargs={"pk": case.holder.pk})).status_code == 200
    with django_assert_max_num_queries(25):
        url = reverse("people:consent_detail", kwargs={"pk": case.holder.pk, "consent_pk": consent.pk})
        assert client.get(url).status_code == 200


def test_without_javascript_the_form_offers_only_verbal_consent_and_the_script_is_a_static_file(
    client, lawyer
):
    case = CaseFactory(opened_by=lawyer)
    client.force_login(lawyer)
    page = client.get(reverse("people:consent_add", kwargs={"pk": case.holder.pk})).content.decode()
    assert 'value="signature" id="id_method_signature" disabled data-signature-option' in page
    assert 'class="d-none my-2" data-signature-pad' in page  # the canvas appears only when the script runs
    assert 'value="verbal" id="id_method_verbal" checked' in page
    assert "people/signature.js" in page and "<script>" not in page
    assert "Vigencia predeterminada de cada finalidad" in page and "12 meses" in page
