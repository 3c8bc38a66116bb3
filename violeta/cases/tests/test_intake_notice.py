"""The privacy notice at intake: shown, accepted, and the acceptance recorded with the text she was given."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from violeta.audit.models import Action, AuditEvent
from violeta.cases.models import Case
from violeta.cases.tests.test_views import intake_data
from violeta.people.models import Consent, Person, PrivacyNoticeAcceptance
from violeta.people.privacy_notice import current_notice
from violeta.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_intake_shows_the_simplified_notice_and_links_the_integral_one(client, receptionist):
    client.force_login(receptionist)
    body = client.get(reverse("cases:intake")).content.decode()
    notice = current_notice()
    first_line = notice.simplified.split("\n")[0].lstrip("# ").strip()
    assert first_line in body
    assert reverse("privacy_notice:integral") in body
    assert reverse("privacy_notice:simplified_print") in body
    assert f'value="{notice.sha256}"' in body


def test_the_intake_records_which_notice_she_accepted_when_and_before_whom(client, receptionist):
    client.force_login(receptionist)
    response = client.post(reverse("cases:intake"), intake_data())
    assert response.status_code == 302
    person = Person.objects.get()
    acceptance = PrivacyNoticeAcceptance.objects.get(person=person)
    notice = current_notice()
    assert acceptance.notice.sha256 == notice.sha256
    assert acceptance.notice.version == notice.version
    assert acceptance.notice.simplified == notice.simplified  # the very text, to show later what she accepted
    assert acceptance.notice.integral == notice.integral
    assert acceptance.recorded_by == receptionist
    assert acceptance.accepted_at is not None
    consent = Consent.objects.get(person=person, purpose="privacy_notice")
    assert notice.version in consent.scope


def test_a_second_intake_of_the_same_notice_reuses_its_text(lawyer):
    from violeta.cases.services import case_close, intake_register

    person = PersonFactory()
    kwargs = {
        "person": person,
        "privacy_notice_accepted": True,
        "privacy_notice_sha256": current_notice().sha256,
        "arrival_channel": "own",
        "reason": "Orientación.",
    }
    case_close(case=intake_register(by=lawyer, **kwargs), by=lawyer, reason="concluded")
    intake_register(by=lawyer, **kwargs)
    accepted = PrivacyNoticeAcceptance.objects.filter(person=person)
    assert accepted.count() == 2
    assert len({a.notice_id for a in accepted}) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"c-privacy_notice_accepted": ""}, "aviso de privacidad"),
        ({"c-privacy_notice_sha256": ""}, "aviso de privacidad"),
        ({"c-privacy_notice_sha256": "0" * 64}, "aviso de privacidad cambió"),
    ],
)
def test_no_intake_without_the_notice_accepted_and_nothing_is_saved(client, receptionist, overrides, message):
    client.force_login(receptionist)
    events = AuditEvent.objects.exclude(action=Action.LOOKUP).count()
    response = client.post(reverse("cases:intake"), intake_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Person.objects.count() == 0 and Case.objects.count() == 0
    assert PrivacyNoticeAcceptance.objects.count() == 0
    assert (
        AuditEvent.objects.exclude(action=Action.LOOKUP).count() == events
    )  # the duplicate check is audited


def test_the_service_refuses_a_notice_that_is_not_the_current_one(receptionist, settings, tmp_path):
    from violeta.cases.services import intake_register

    shown = current_notice().sha256
    changed = tmp_path / "simplificado.txt"
    changed.write_text("Aviso simplificado nuevo.\n", encoding="utf-8")
    settings.PRIVACY_NOTICE = {**settings.PRIVACY_NOTICE, "simplified_path": str(changed)}
    with pytest.raises(ValidationError) as exc:
        intake_register(
            by=receptionist,
            person_data={"given_names": "Rosa", "first_surname": "Chávez"},
            privacy_notice_accepted=True,
            privacy_notice_sha256=shown,
            arrival_channel="own",
            reason="Orientación.",
        )
    assert "aviso de privacidad" in exc.value.messages[0]
    assert Person.objects.count() == 0 and PrivacyNoticeAcceptance.objects.count() == 0


@pytest.mark.parametrize(
    ("answer", "recorded"),
    [("yes", True), ("no", False), ("", None)],
)
def test_the_intake_asks_whether_her_data_may_count_in_statistics_and_records_her_answer(
    client, receptionist, answer, recorded
):
    """Issue 18, item 2: only women who consented are counted in figures that leave the institute, so the
    intake asks (she may leave it unanswered: then nothing is recorded and she counts in internal figures only)."""
    client.force_login(receptionist)
    body = client.get(reverse("cases:intake")).content.decode()
    assert 'name="c-statistics_consent"' in body
    response = client.post(reverse("cases:intake"), intake_data(**{"c-statistics_consent": answer}))
    assert response.status_code == 302
    person = Person.objects.get()
    consents = Consent.objects.filter(person=person, purpose="statistics")
    if recorded is None:
        assert not consents.exists()
    else:
        assert [(c.granted, c.recorded_by) for c in consents] == [(recorded, receptionist)]
        assert AuditEvent.objects.filter(
            action=Action.CREATE, object_type="people.consent", detail="statistics"
        ).exists()
