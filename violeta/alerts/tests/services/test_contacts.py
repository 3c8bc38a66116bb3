"""Her support network: adding contacts and their invitations."""

import pytest
from django.core.exceptions import ValidationError

from violeta.alerts.models import EmergencyContact
from violeta.alerts.services.contacts import contact_add, contact_remove
from violeta.alerts.tests.factories import mia_account, queued, run_tasks
from violeta.alerts.tests.services.helpers import PHONE, sms
from violeta.messaging.backends import locmem
from violeta.messaging.models import Message, MessageKind
from violeta.messaging.text import is_single_gsm7_segment

pytestmark = [pytest.mark.tasks, pytest.mark.django_db]


# --- Contacts --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("614 490 0789", "+526144900789"),
        ("(614) 490-0789", "+526144900789"),
        ("044 614 490 0789", "+526144900789"),
        ("+52 1 614 490 0789", "+526144900789"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
def test_contact_numbers_are_normalised_to_e164(written, e164):
    account = mia_account(phone="+526145550100", contacts=0)

    contact = contact_add(account=account, name="Mamá", phone=written)

    assert contact.phone == e164
    assert EmergencyContact.objects.get().phone == e164


def test_contact_add_queues_the_invitation_sms_with_the_confirmation_link():
    account = mia_account(display_name="Lupita", contacts=0)

    contact = contact_add(account=account, name="  Rosa   María ", phone="614 490 0789")

    assert contact.name == "Rosa María"
    invitation = sms(MessageKind.INVITATION).get()
    assert invitation.to_phone == PHONE
    assert "Lupita" in invitation.body
    assert f"/c/{contact.confirm_token}/" in invitation.body
    assert (
        contact.confirm_token
        not in EmergencyContact.objects.filter(pk=contact.pk).values_list("confirm_token_hash", flat=True)[0]
    )
    assert is_single_gsm7_segment(invitation.body)
    assert queued().get() == invitation
    run_tasks()
    assert [sent["to"] for sent in locmem.outbox] == [PHONE]


def test_at_most_five_contacts():
    account = mia_account(contacts=0)
    for number in range(5):
        contact_add(account=account, name=f"C{number}", phone=f"614 490 07{number:02d}")

    with pytest.raises(ValidationError) as excinfo:
        contact_add(account=account, name="Sexta", phone="614 490 0799")

    assert excinfo.value.code == "max"
    assert account.contacts.count() == 5
    assert sms(MessageKind.INVITATION).count() == 5
    # Removing one makes room again.
    contact_remove(account=account, contact_id=account.contacts.first().pk)
    contact_add(account=account, name="Sexta", phone="614 490 0799")
    assert account.contacts.filter(removed_at__isnull=True).count() == 5


def test_her_own_number_cannot_be_a_contact():
    account = mia_account(phone=PHONE, contacts=0)

    with pytest.raises(ValidationError) as excinfo:
        contact_add(account=account, name="Yo", phone="614 490 0789")

    assert "phone" in excinfo.value.message_dict
    assert not EmergencyContact.objects.exists()
    assert not Message.objects.exists()


def test_the_same_number_twice_is_refused_however_it_is_written():
    account = mia_account(contacts=0)
    contact_add(account=account, name="Rosa", phone="614 490 0789")

    with pytest.raises(ValidationError) as excinfo:
        contact_add(account=account, name="Rosa otra vez", phone="+52 1 (614) 490-0789")

    assert "phone" in excinfo.value.message_dict
    assert account.contacts.count() == 1
    assert sms(MessageKind.INVITATION).count() == 1


@pytest.mark.parametrize(
    ("name", "phone", "field"), [("Rosa", "12345", "phone"), ("  ", "614 490 0789", "name")]
)
def test_a_bad_contact_is_refused_and_nothing_is_stored(name, phone, field):
    account = mia_account(contacts=0)

    with pytest.raises(ValidationError) as excinfo:
        contact_add(account=account, name=name, phone=phone)

    assert field in excinfo.value.message_dict
    assert not EmergencyContact.objects.exists()
    assert not Message.objects.exists()
