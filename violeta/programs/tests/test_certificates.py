"""Certificates: issued in bulk to whoever met the attendance rule once the training ended; a real PDF with a QR
to the public verification page, which shows only name, training, hours and date; forged and revoked ones fail."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from violeta.programs import documents, services
from violeta.programs.models import Certificate
from violeta.programs.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(trainer):
    """A training of three held sessions: Rosa came to all, Luis to two (66 %), Ana to three of three later."""
    training = factories.training(trainer, title="Igualdad sustantiva para docentes", hours=6)
    sessions = [factories.session(training, trainer, days_from_now=-d) for d in (10, 9, 8)]
    rosa = factories.attendee(training, trainer, full_name="Rosa Elena Quiñónez")
    luis = factories.attendee(training, trainer, full_name="Luis Prieto", sex="hombre")
    for session in sessions:
        services.attendance_mark(session=session, attendee=rosa, present=True, by=trainer)
    for session in sessions[:2]:
        services.attendance_mark(session=session, attendee=luis, present=True, by=trainer)
    return training, sessions, rosa, luis


def test_issued_only_to_who_met_the_attendance_rule_and_once(trainer, ended):
    training, sessions, rosa, luis = ended
    issued = services.certificates_issue(training=training, by=trainer)
    assert [c.attendee for c in issued] == [rosa]  # Luis: 2 of 3 is under 80 %
    assert issued[0].hours == 6 and issued[0].completed_on == sessions[-1].ends_at.astimezone().date()
    services.attendance_mark(session=sessions[2], attendee=luis, present=True, by=trainer)  # corrected
    again = services.certificates_issue(training=training, by=trainer)
    assert [c.attendee for c in again] == [luis]  # only the one missing
    assert Certificate.objects.count() == 2


def test_not_before_the_last_session_was_held(trainer):
    training = factories.training(trainer)
    factories.session(training, trainer, days_from_now=-1)
    factories.session(training, trainer, days_from_now=3)
    factories.attendee(training, trainer)
    with pytest.raises(ValidationError):
        services.certificates_issue(training=training, by=trainer)
    assert not Certificate.objects.exists()


def test_the_pdf_is_a_real_pdf_with_her_name_and_the_verification_link(trainer, ended, settings):
    settings.SITE_URL = "https://violeta.example.org"
    training, _sessions, _rosa, _luis = ended
    certificate = services.certificates_issue(training=training, by=trainer)[0]
    html = documents.certificate_html(certificate)
    assert "Rosa Elena Quiñónez" in html and "Igualdad sustantiva para docentes" in html
    assert documents.verification_url(certificate) in html and "data:image/svg+xml" in html
    pdf = documents.certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000


def test_public_verification_shows_only_what_it_must(client, trainer, ended):
    training, _sessions, _rosa, _luis = ended
    factories.attendee(
        training, trainer, full_name="Otra Persona", email="otra@example.org", role="Directora"
    )
    certificate = services.certificates_issue(training=training, by=trainer)[0]
    url = reverse("programs:certificate_verify", args=[certificate.verify_token])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-verify="valid"' in page
    assert (
        "Rosa Elena Quiñónez" in page
        and "Igualdad sustantiva para docentes" in page
        and certificate.folio in page
    )
    assert "Otra Persona" not in page and "otra@example.org" not in page  # nobody else, no contact data
    assert response["Cache-Control"] == "no-store"


def test_a_forged_or_altered_code_does_not_verify(client, trainer, ended):
    training, *_rest = ended
    certificate = services.certificates_issue(training=training, by=trainer)[0]
    forged = certificate.verify_token[:-2] + ("AA" if not certificate.verify_token.endswith("AA") else "BB")
    for token in (forged, "x" * 43, "CON-2026-000001"):
        response = client.get(reverse("programs:certificate_verify", args=[token]))
        assert response.status_code == 404
        assert "no fue emitida por el Instituto" in response.content.decode()


def test_a_revoked_certificate_says_so_and_does_not_verify(client, trainer, ended):
    training, *_rest = ended
    certificate = services.certificates_issue(training=training, by=trainer)[0]
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, by=trainer, reason="   ")
    services.certificate_revoke(certificate=certificate, by=trainer, reason="Asistencia capturada por error.")
    response = client.get(reverse("programs:certificate_verify", args=[certificate.verify_token]))
    assert response.status_code == 410
    page = response.content.decode()
    assert 'data-verify="revoked"' in page and "no es válida" in page
    assert not re.search(r'data-verify="valid"', page)


def test_staff_issue_from_the_training_page_and_download_the_pdf(client, trainer, lawyer, ended):
    training, _sessions, _rosa, _luis = ended
    client.force_login(trainer)
    response = client.post(reverse("programs:certificates_issue", args=[training.pk]), follow=True)
    assert "1 constancia emitida." in response.content.decode()
    certificate = Certificate.objects.get()
    pdf_url = reverse("programs:certificate_pdf", args=[training.pk, certificate.pk])
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    client.force_login(lawyer)
    assert client.get(pdf_url).status_code == 404


def test_a_certificate_of_a_training_with_a_validity_expires_and_then_does_not_verify(client, trainer, ended):
    """The internal protocol asks public servants to renew it yearly: a training may give its certificates a
    validity in months. Until that day the verification says until when; after it, 410 and 'expired'."""
    training, sessions, _rosa, _luis = ended
    services.training_update(training=training, by=trainer, certificate_valid_months=12)
    certificate = services.certificates_issue(training=training, by=trainer)[0]
    completed = sessions[-1].ends_at.astimezone().date()
    assert certificate.valid_until == completed.replace(year=completed.year + 1)
    url = reverse("programs:certificate_verify", args=[certificate.verify_token])
    page = client.get(url).content.decode()
    assert 'data-verify="valid"' in page and "Vigente hasta" in page
    assert "Vigente hasta" in documents.certificate_html(certificate)  # the PDF says it too

    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date.today() - timedelta(days=1))
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 410
    assert 'data-verify="expired"' in page and "venció el" in page and "no es válida" in page
    assert 'data-verify="valid"' not in page


def test_without_a_validity_a_certificate_never_expires(client, trainer, ended):
    training, *_rest = ended
    certificate = services.certificates_issue(training=training, by=trainer)[0]
    assert certificate.valid_until is None and not certificate.is_expired()
    page = client.get(
        reverse("programs:certificate_verify", args=[certificate.verify_token])
    ).content.decode()
    assert 'data-verify="valid"' in page and "Vigente hasta" not in page


def test_the_validity_must_be_a_sensible_number_of_months(trainer):
    training = factories.training(trainer)
    for months in (0, 121):
        with pytest.raises(ValidationError):
            services.training_update(training=training, by=trainer, certificate_valid_months=months)
