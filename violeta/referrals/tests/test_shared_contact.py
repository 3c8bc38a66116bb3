"""A referral carries the ways to contact her that she agreed to share with that institution, chosen when it is
made, and nothing more (issue 16, finding 2c: the DIF liaison was asked "qué se intentó para contactarla" and
was never given a way to contact her)."""

import pytest
from django.urls import reverse

from violeta.people.models import PhoneChoice, SafeContactPreference
from violeta.people.services import person_update

pytestmark = pytest.mark.django_db


def _prefs(person, **values):
    SafeContactPreference.objects.update_or_create(person=person, defaults=values)


def _refer(client, case, social_worker, dif, **extra):
    client.force_login(social_worker)
    data = {
        "institution": dif.pk,
        "person": case.holder_id,
        "urgency": "ordinary",
        "reason": "Apoyo de guardería",
        "shared_summary": "Madre de dos niños.",
        "consent_given": "on",
        "consent_scope": "Compartir este resumen y cómo contactarla con el DIF",
        "send": "1",
        **extra,
    }
    return client.post(reverse("referrals:create", kwargs={"folio": case.folio}), data)


def test_the_liaison_gets_the_phone_and_safe_contact_rules_she_agreed_to_share(
    client, case, social_worker, dif, liaison, lawyer
):
    person_update(person=case.holder, by=lawyer, phone="614 490 0789", phone_alt="614 555 0142")
    _prefs(case.holder, phone_choice=PhoneChoice.ALT, may_call=True, may_sms=False, best_hours="de 9 a 13 h")
    assert (
        _refer(client, case, social_worker, dif, share_phone="alt", share_contact_rules="on").status_code
        == 302
    )
    referral = case.referrals.get()
    # What she agreed to then: a later change of her phone does not reach the institution.
    person_update(person=case.holder, by=lawyer, phone_alt="614 000 1111")
    client.force_login(liaison)
    page = client.get(reverse("referrals:liaison_detail", kwargs={"folio": referral.folio})).content.decode()
    assert "614 555 0142" in page and "614 490 0789" not in page and "614 000 1111" not in page
    assert "de 9 a 13 h" in page and "No enviarle SMS" in page


def test_nothing_is_shared_unless_chosen(client, case, social_worker, dif, liaison, lawyer):
    person_update(person=case.holder, by=lawyer, phone="614 490 0789")
    _prefs(
        case.holder,
        phone_choice=PhoneChoice.MAIN,
        may_call=True,
        best_hours="de 9 a 13 h",
        code_word="girasol",
    )
    assert _refer(client, case, social_worker, dif).status_code == 302
    referral = case.referrals.get()
    client.force_login(liaison)
    page = client.get(reverse("referrals:liaison_detail", kwargs={"folio": referral.folio})).content.decode()
    assert "614 490 0789" not in page and "de 9 a 13 h" not in page and "girasol" not in page
    assert "no compartió un medio de contacto" in page


def test_a_phone_is_not_shared_when_she_asked_not_to_be_called(client, case, social_worker, dif, lawyer):
    person_update(person=case.holder, by=lawyer, phone="614 490 0789")
    _prefs(case.holder, phone_choice=PhoneChoice.NONE)
    response = _refer(client, case, social_worker, dif, share_phone="main")
    assert response.status_code == 200
    assert "Ella pidió que no se le llame" in response.content.decode()
    assert not case.referrals.exists()
