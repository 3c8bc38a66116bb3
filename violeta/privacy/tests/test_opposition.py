import pytest
from django.core.exceptions import ValidationError

from violeta.cases.tests.factories import CaseFactory
from violeta.people.models import ConsentPurpose
from violeta.people.services import consent_record, safe_contact_set
from violeta.privacy.models import ArcoRight, Opposition
from violeta.privacy.services.arco import arco_oppose
from violeta.privacy.tests.factories import arco

pytestmark = pytest.mark.django_db


def test_opposition_to_sms_switches_her_messages_off(lawyer, director):
    person = CaseFactory(opened_by=lawyer).holder
    safe_contact_set(person=person, by=lawyer, may_sms=True)
    consent_record(person=person, by=lawyer, purpose=ConsentPurpose.SMS)
    consent_record(person=person, by=lawyer, purpose=ConsentPurpose.STATISTICS)
    request = arco(person, director, right=ArcoRight.OPPOSITION)
    arco_oppose(request=request, by=director, kinds=[Opposition.SMS])
    person.safe_contact.refresh_from_db()
    assert person.safe_contact.may_sms is False
    assert not person.consents.filter(
        purpose=ConsentPurpose.SMS, granted=True, revoked_at__isnull=True
    ).exists()
    assert person.consents.filter(purpose=ConsentPurpose.SMS, granted=False).exists()
    # what she did not oppose stays
    assert person.consents.filter(purpose=ConsentPurpose.STATISTICS, revoked_at__isnull=True).exists()
    assert request.opposition_list == ["sms"]


def test_opposition_to_transfers_revokes_the_referral_consent(lawyer, director):
    person = CaseFactory(opened_by=lawyer).holder
    consent_record(person=person, by=lawyer, purpose=ConsentPurpose.REFERRAL)
    request = arco(person, director, right=ArcoRight.OPPOSITION)
    arco_oppose(request=request, by=director, kinds=[Opposition.TRANSFERS, Opposition.STATISTICS])
    assert not person.consents.filter(
        purpose=ConsentPurpose.REFERRAL, granted=True, revoked_at__isnull=True
    ).exists()
    assert sorted(request.opposition_list) == ["statistics", "transfers"]


def test_opposition_needs_a_kind(lawyer, director):
    request = arco(CaseFactory(opened_by=lawyer).holder, director, right=ArcoRight.OPPOSITION)
    with pytest.raises(ValidationError):
        arco_oppose(request=request, by=director, kinds=["nothing"])
