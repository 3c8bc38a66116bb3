"""MIA's services: sign-up by one-time code, contacts, alerts, duress, escalation and retention."""

import math
import re
import secrets
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation

from violeta.accounts.models import Role, User
from violeta.alerts.models import (
    Alert,
    AlertLocation,
    AlertMessage,
    AlertStatus,
    EmergencyContact,
    MiaAccount,
    MiaDevice,
    Outcome,
    PhoneVerification,
)
from violeta.alerts.services.accounts import (
    account_register,
    device_account,
    otp_request,
    otp_verify,
)
from violeta.alerts.services.alerts import (
    alert_acknowledge,
    alert_cancel,
    alert_close,
    alert_locate,
    alert_raise,
    sms_inbound,
)
from violeta.alerts.services.contacts import contact_add, contact_remove
from violeta.alerts.services.escalation import escalation_sweep
from violeta.alerts.services.retention import locations_purge
from violeta.alerts.tests.factories import (
    emergency_contact,
    live_token,
    make_due,
    mia_account,
    queued,
    run_tasks,
    token_in,
)
from violeta.audit.models import Action, AuditEvent
from violeta.core.tokens import token_hash
from violeta.messaging.backends import locmem
from violeta.messaging.models import Message, MessageKind, MessageStatus
from violeta.messaging.text import fit, is_single_gsm7_segment
from violeta.testing.db import raw_column

pytestmark = pytest.mark.django_db

PHONE = "+526144900789"


# --- helpers ---------------------------------------------------------------------------------------------------


def spanish(msgid: str) -> str:
    """The Spanish text of an English msgid; fails when the catalogue has no translation for it."""
    with translation.override("es-mx"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Spanish translation for {msgid!r}: run scripts/messages.sh and translate it"
    return text


def assert_error_in_spanish(excinfo, msgid: str) -> None:
    assert spanish(msgid) in excinfo.value.messages, excinfo.value.messages


def sms(kind: str | None = None):
    messages = Message.objects.order_by("id")
    return messages.filter(kind=kind) if kind else messages


def code_from(message: Message) -> str:
    codes = re.findall(r"\b\d{6}\b", message.body)
    assert len(codes) == 1, message.body
    return codes[0]


def request_code(phone: str = PHONE) -> str:
    """Ask for a code and read it from the SMS, as she would."""
    otp_request(phone=phone)
    return code_from(sms(MessageKind.OTP).last())


def verified_code(phone: str = PHONE) -> str:
    code = request_code(phone)
    otp_verify(phone=phone, code=code)
    return code


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def age_requests(seconds: int) -> None:
    """Move every code request back in time, as if she had waited."""
    PhoneVerification.objects.update(created_at=F("created_at") - timedelta(seconds=seconds))


@pytest.fixture
def account():
    return mia_account(phone=PHONE, display_name="Lupita", pin="1234", duress_pin="9999", contacts=2)


@pytest.fixture
def alert(account):
    alert, _created = alert_raise(account=account, client_id="press-0001")
    return alert


@pytest.fixture
def on_duty(alert_monitor):
    alert_monitor.is_on_duty = True
    alert_monitor.save(update_fields=["is_on_duty"])
    return alert_monitor


@pytest.fixture
def off_duty(db):
    return User.objects.create_user(
        "monitoreo.descanso@imm.test", "x", full_name="Maribel Descanso", role=Role.ALERT_MONITOR
    )


# --- One-time code ---------------------------------------------------------------------------------------------


def test_otp_sms_carries_the_code_and_says_nothing_about_mia():
    verification = otp_request(phone="614 490 0789")

    message = sms(MessageKind.OTP).get()
    code = code_from(message)
    assert message.to_phone == PHONE
    assert verification.phone == PHONE
    assert "mia" not in message.body.lower()
    assert "alert" not in message.body.lower()
    assert is_single_gsm7_segment(message.body)
    assert code not in verification.code_hash  # only a hash of the code is kept
    assert message.status == MessageStatus.PENDING  # the outbox is the queue: no task stands for it


def test_otp_right_code_verifies():
    code = request_code()

    verification = otp_verify(phone="614-490-0789", code=code)

    assert verification.verified_at is not None
    assert verification.attempts == 1


def test_otp_expired_code_is_refused():
    code = request_code()
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ValidationError) as excinfo:
        otp_verify(phone=PHONE, code=code)

    assert "code" in excinfo.value.message_dict
    assert PhoneVerification.objects.get().verified_at is None


def test_otp_brute_force_is_cut_off_and_every_wrong_guess_is_counted():
    code = request_code()

    for attempt in range(1, 6):
        with pytest.raises(ValidationError):
            otp_verify(phone=PHONE, code=wrong(code))
        # Counted although the call raised: the count was committed before the error.
        assert PhoneVerification.objects.get().attempts == attempt

    with pytest.raises(ValidationError) as excinfo:
        otp_verify(phone=PHONE, code=code)

    assert excinfo.value.error_dict["code"][0].code == "otp_locked"
    verification = PhoneVerification.objects.get()
    assert verification.verified_at is None
    assert verification.attempts == 5
    with pytest.raises(ValidationError):
        account_register(phone=PHONE, code=code, display_name="Lupita", pin="1234")
    assert not MiaAccount.objects.exists()


def test_otp_fourth_request_in_an_hour_is_refused():
    for _number in range(3):
        otp_request(phone=PHONE)
        age_requests(61)  # past the resend wait, still within the hour

    with pytest.raises(ValidationError) as excinfo:
        otp_request(phone=PHONE)

    assert excinfo.value.code == "otp_rate"
    assert PhoneVerification.objects.count() == 3
    assert sms(MessageKind.OTP).count() == 3


def test_otp_rate_limit_message_is_in_spanish():
    for _number in range(3):
        otp_request(phone=PHONE)
        age_requests(61)

    with pytest.raises(ValidationError) as excinfo:
        otp_request(phone=PHONE)

    assert_error_in_spanish(excinfo, "Too many codes requested for this number. Try again in an hour.")


def test_otp_requests_older_than_an_hour_do_not_count():
    for _number in range(3):
        otp_request(phone=PHONE)
        age_requests(61)
    age_requests(3600)

    otp_request(phone=PHONE)

    assert PhoneVerification.objects.count() == 4


def test_otp_resend_within_a_minute_is_refused():
    otp_request(phone=PHONE)

    with pytest.raises(ValidationError) as excinfo:
        otp_request(phone=PHONE)

    assert excinfo.value.code == "otp_wait"
    assert sms(MessageKind.OTP).count() == 1
    age_requests(61)
    otp_request(phone=PHONE)
    assert sms(MessageKind.OTP).count() == 2


def test_otp_only_the_latest_code_counts(monkeypatch):
    codes = iter([111111, 222222])  # two different codes, whatever chance would give
    monkeypatch.setattr(secrets, "randbelow", lambda _n: next(codes))
    first = request_code()
    age_requests(61)
    second = request_code()
    assert (first, second) == ("111111", "222222")

    with pytest.raises(ValidationError):
        otp_verify(phone=PHONE, code=first)
    assert otp_verify(phone=PHONE, code=second).verified_at is not None


@pytest.mark.parametrize("phone", ["", "12345", "abc"])
def test_otp_request_for_a_bad_number_stores_and_sends_nothing(phone):
    with pytest.raises(ValidationError) as excinfo:
        otp_request(phone=phone)

    assert "phone" in excinfo.value.message_dict
    assert not PhoneVerification.objects.exists()
    assert not Message.objects.exists()


# --- Sign-up ---------------------------------------------------------------------------------------------------


def test_register_after_a_verified_code_creates_the_account_with_hashed_pins():
    code = verified_code()

    account, token = account_register(
        phone="614 490 0789", code=code, display_name="  Lupita   G. ", pin="2468", duress_pin="1357"
    )

    assert account.phone == PHONE
    assert account.display_name == "Lupita G."
    assert account.pin_hash != "2468"
    assert check_password("2468", account.pin_hash)
    assert check_password("1357", account.duress_pin_hash)
    assert device_account(token) == account
    assert MiaDevice.objects.get().token_hash != token
    assert PhoneVerification.objects.get().used_at is not None


def test_register_without_a_verified_code_is_refused():
    code = request_code()  # sent but never verified

    with pytest.raises(ValidationError) as excinfo:
        account_register(phone=PHONE, code=code, display_name="Lupita", pin="2468")

    assert "code" in excinfo.value.message_dict
    assert not MiaAccount.objects.exists()
    assert not MiaDevice.objects.exists()


def test_register_with_no_code_at_all_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        account_register(phone=PHONE, code="123456", display_name="Lupita", pin="2468")

    assert "code" in excinfo.value.message_dict
    assert not MiaAccount.objects.exists()


def test_register_with_a_different_code_than_the_verified_one_is_refused():
    code = verified_code()

    with pytest.raises(ValidationError):
        account_register(phone=PHONE, code=wrong(code), display_name="Lupita", pin="2468")

    assert not MiaAccount.objects.exists()


def test_a_code_registers_once():
    code = verified_code()
    account_register(phone=PHONE, code=code, display_name="Lupita", pin="2468")

    with pytest.raises(ValidationError):
        account_register(phone=PHONE, code=code, display_name="Otra", pin="1111")

    assert MiaAccount.objects.get().display_name == "Lupita"
    assert MiaDevice.objects.count() == 1


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "12 34", "١٢٣٤"])
def test_register_refuses_a_pin_without_4_to_8_digits(pin):
    code = verified_code()

    with pytest.raises(ValidationError) as excinfo:
        account_register(phone=PHONE, code=code, display_name="Lupita", pin=pin)

    assert "pin" in excinfo.value.message_dict
    assert not MiaAccount.objects.exists()
    # A refused form does not burn the code: she can correct the PIN and go on.
    account_register(phone=PHONE, code=code, display_name="Lupita", pin="12345678")
    assert MiaAccount.objects.count() == 1


def test_register_refuses_a_duress_pin_equal_to_the_pin():
    code = verified_code()

    with pytest.raises(ValidationError) as excinfo:
        account_register(phone=PHONE, code=code, display_name="Lupita", pin="2468", duress_pin="2468")

    assert "duress_pin" in excinfo.value.message_dict
    assert not MiaAccount.objects.exists()


def test_register_refuses_a_malformed_duress_pin():
    code = verified_code()

    with pytest.raises(ValidationError) as excinfo:
        account_register(phone=PHONE, code=code, display_name="Lupita", pin="2468", duress_pin="12")

    assert "duress_pin" in excinfo.value.message_dict


@pytest.mark.parametrize("name", ["", "   ", "x" * 31])
def test_register_needs_a_name_of_up_to_30_letters(name):
    code = verified_code()

    with pytest.raises(ValidationError) as excinfo:
        account_register(phone=PHONE, code=code, display_name=name, pin="2468")

    assert "display_name" in excinfo.value.message_dict


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


# --- The alert -------------------------------------------------------------------------------------------------


def test_alert_queues_one_sms_per_contact_at_once_without_a_location(account):
    removed = emergency_contact(account, name="Ex")
    removed.removed_at = timezone.now()
    removed.save()

    alert, created = alert_raise(account=account, client_id="press-0001")

    assert created
    assert alert.status == AlertStatus.ACTIVE
    assert not AlertLocation.objects.exists()
    contacts = list(account.contacts.filter(removed_at__isnull=True))
    messages = list(sms(MessageKind.ALERT))
    assert sorted(m.to_phone for m in messages) == sorted(c.phone for c in contacts)
    for message in messages:
        link = AlertMessage.objects.get(message=message)
        assert link.alert == alert
        assert link.recipient.contact.phone == message.to_phone
        assert token_hash(token_in(message.body)) == link.recipient.token_hash
        assert "Lupita" in message.body
        assert is_single_gsm7_segment(message.body)
    # queued in the outbox with the alert (one statement on the hot path): no task row per alert
    assert sorted(queued(MessageKind.ALERT).values_list("pk", flat=True)) == sorted(m.pk for m in messages)

    run_tasks()

    assert sorted(sent["to"] for sent in locmem.outbox) == sorted(c.phone for c in contacts)
    assert removed.phone not in {sent["to"] for sent in locmem.outbox}


def test_alert_has_its_escalation_deadline(account, settings):
    settings.MIA = {**settings.MIA, "ESCALATE_AFTER_SECONDS": 240}

    alert, _created = alert_raise(account=account, client_id="press-0001")

    assert Alert.objects.get(pk=alert.pk).escalate_at == alert.started_at + timedelta(seconds=240)


def test_the_alert_sms_is_in_spanish(alert):
    message = sms(MessageKind.ALERT).first()

    link = f"{django_settings.SITE_URL.rstrip('/')}/a/{live_token(message.alert_link.recipient)}/"
    template = spanish("MIA ALERT: {name} needs help. Live location: {link}")
    assert message.body == fit(template, name="Lupita", link=link)


def test_the_same_press_twice_makes_one_alert(account):
    first, created_first = alert_raise(account=account, client_id="press-0001")
    again, created_again = alert_raise(account=account, client_id="press-0001")

    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert Alert.objects.count() == 1
    assert sms(MessageKind.ALERT).count() == 2


def test_an_alert_needs_a_contact_and_an_identifier():
    account = mia_account(contacts=0)

    with pytest.raises(ValidationError) as excinfo:
        alert_raise(account=account, client_id="press-0001")
    assert excinfo.value.code == "no_contacts"

    emergency_contact(account)
    with pytest.raises(ValidationError) as excinfo:
        alert_raise(account=account, client_id="  ")
    assert "client_id" in excinfo.value.message_dict
    assert not Alert.objects.exists()
    assert not Message.objects.exists()


def test_first_location_tells_each_contact_once(alert):
    location = alert_locate(alert=alert, lat=28.632996, lon=-106.069100, accuracy=12)

    assert location.lat_lon == (28.632996, -106.0691)
    assert location.accuracy_m == 12
    first = list(sms(MessageKind.LOCATION))
    assert len(first) == 2
    assert {m.alert_link.recipient_id for m in first} == set(alert.recipients.values_list("id", flat=True))
    for message in first:
        assert token_hash(token_in(message.body)) == message.alert_link.recipient.token_hash
        assert is_single_gsm7_segment(message.body)

    alert_locate(alert=alert, lat="28.64", lon="-106.07", accuracy="30.5")
    alert_locate(alert=alert, lat=28.65, lon=-106.08, accuracy=8)

    assert alert.locations.count() == 3
    assert sms(MessageKind.LOCATION).count() == 2
    assert alert.locations.first().lat_lon == (28.65, -106.08)


def test_a_location_slightly_in_the_future_is_dated_now_and_far_ahead_is_refused(alert):
    before = timezone.now()

    location = alert_locate(
        alert=alert, lat=28.6, lon=-106.1, accuracy=10, captured_at=timezone.now() + timedelta(minutes=2)
    )

    assert before <= location.captured_at <= timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        alert_locate(
            alert=alert, lat=28.6, lon=-106.1, accuracy=10, captured_at=timezone.now() + timedelta(hours=2)
        )
    assert excinfo.value.code == "location"
    assert AlertLocation.objects.filter(alert=alert).count() == 1


MALFORMED = [
    (91, -106.1, 10),
    (-90.0001, -106.1, 10),
    (28.6, -181, 10),
    (28.6, 180.5, 10),
    ("abc", -106.1, 10),
    (28.6, "", 10),
    (None, -106.1, 10),
    (28.6, None, 10),
    (28.6, -106.1, None),
    (math.nan, -106.1, 10),
    (28.6, math.nan, 10),
    ("nan", -106.1, 10),
    (28.6, -106.1, math.nan),
    (math.inf, -106.1, 10),
    (28.6, -106.1, math.inf),
    (28.6, -106.1, -1),
    (28.6, -106.1, "-0.5"),
    ([28.6], -106.1, 10),
]


@pytest.mark.parametrize(("lat", "lon", "accuracy"), MALFORMED)
def test_malformed_coordinates_are_refused_and_nothing_is_stored(alert, lat, lon, accuracy):
    with pytest.raises(ValidationError) as excinfo:
        alert_locate(alert=alert, lat=lat, lon=lon, accuracy=accuracy)

    assert excinfo.value.code == "location"
    assert not AlertLocation.objects.exists()
    assert not sms(MessageKind.LOCATION).exists()


def test_malformed_coordinates_get_a_spanish_message(alert):
    with pytest.raises(ValidationError) as excinfo:
        alert_locate(alert=alert, lat=91, lon=-181, accuracy=10)

    assert_error_in_spanish(excinfo, "The location is not valid.")


def test_a_cancelled_alert_takes_no_more_locations(alert):
    alert_cancel(alert=alert, pin="1234")

    with pytest.raises(ValidationError) as excinfo:
        alert_locate(alert=alert, lat=28.6, lon=-106.1, accuracy=10)

    assert excinfo.value.code == "inactive"
    assert not AlertLocation.objects.exists()
    assert not sms(MessageKind.LOCATION).exists()


# --- Cancelling, and the duress PIN ----------------------------------------------------------------------------


def test_duress_pin_looks_cancelled_but_the_alert_stays_active_and_flagged(
    alert, on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        returned = alert_cancel(alert=alert, pin="9999")  # no error: she sees "alerta cancelada"

    assert returned.pk == alert.pk
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    assert alert.is_duress
    assert alert.escalated_at is not None
    assert alert.escalation_reason == "duress"
    assert alert.ended_at is None
    assert not sms(MessageKind.CANCELLED).exists()
    assert MiaAccount.objects.get(pk=alert.account_id).pin_failures == 0
    assert [m.to for m in mailoutbox] == [[on_duty.email]]
    run_tasks()
    assert all("cancel" not in sent["body"].lower() for sent in locmem.outbox)


def test_after_the_duress_pin_the_real_pin_does_not_cancel_either(alert):
    alert_cancel(alert=alert, pin="9999")

    alert_cancel(alert=alert, pin="1234")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    assert alert.is_duress
    assert not sms(MessageKind.CANCELLED).exists()


def test_duress_alert_still_takes_locations(alert):
    alert_cancel(alert=alert, pin="9999")

    alert_locate(alert=alert, lat=28.6, lon=-106.1, accuracy=10)

    assert alert.locations.count() == 1


def test_her_pin_cancels_and_each_contact_is_told(alert, account):
    alert_cancel(alert=alert, pin="1234")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.CANCELLED
    assert not alert.is_duress
    assert alert.ended_at is not None
    assert alert.escalated_at is None
    cancelled = list(sms(MessageKind.CANCELLED))
    contacts = sorted(account.contacts.values_list("phone", flat=True))
    assert sorted(m.to_phone for m in cancelled) == contacts
    assert all("Lupita" in m.body and is_single_gsm7_segment(m.body) for m in cancelled)
    run_tasks()
    assert (
        sorted(sent["to"] for sent in locmem.outbox if sent["body"] in {m.body for m in cancelled})
        == contacts
    )


def test_cancelling_twice_sends_the_cancellation_once(alert):
    alert_cancel(alert=alert, pin="1234")
    alert_cancel(alert=alert, pin="1234")

    assert sms(MessageKind.CANCELLED).count() == 2  # one per contact, once


def test_wrong_pins_are_counted_and_then_even_the_right_one_is_refused(alert, settings):
    limit = settings.MIA["PIN_MAX_FAILURES"]

    for failures in range(1, limit + 1):
        with pytest.raises(ValidationError) as excinfo:
            alert_cancel(alert=alert, pin="0000")
        assert "pin" in excinfo.value.message_dict
        # Counted although the call raised.
        assert MiaAccount.objects.get(pk=alert.account_id).pin_failures == failures

    with pytest.raises(ValidationError) as excinfo:
        alert_cancel(alert=alert, pin="1234")

    assert excinfo.value.error_dict["pin"][0].code == "pin_locked"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE
    assert not sms(MessageKind.CANCELLED).exists()


def test_the_right_pin_resets_the_count_of_wrong_ones(alert, account):
    for _failure in range(3):
        with pytest.raises(ValidationError):
            alert_cancel(alert=alert, pin="0000")

    alert_cancel(alert=alert, pin="1234")

    account.refresh_from_db()
    assert account.pin_failures == 0
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.CANCELLED


# --- Acknowledgement and escalation ----------------------------------------------------------------------------


def test_no_acknowledgement_escalates_and_mails_the_staff_on_duty(
    alert, on_duty, off_duty, mailoutbox, django_capture_on_commit_callbacks
):
    make_due()
    with django_capture_on_commit_callbacks(execute=True):
        escalation_sweep()

    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert alert.escalation_reason == "no_ack"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [on_duty.email]
    assert str(alert.public_id) in mail.body
    for personal in ("Lupita", alert.account.phone, alert.account.phone[-4:]):
        assert personal not in mail.subject
        assert personal not in mail.body


def test_escalation_runs_from_the_sender_sweep_when_due(
    alert, on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    run_tasks()
    assert Alert.objects.get(pk=alert.pk).escalated_at is None  # not due yet

    make_due()
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()

    assert Alert.objects.get(pk=alert.pk).escalation_reason == "no_ack"
    assert len(mailoutbox) == 1


def test_an_acknowledged_alert_is_not_escalated(
    alert, on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    recipient = alert.recipients.first()
    alert_acknowledge(recipient=recipient, via="link")
    make_due()

    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep() == 0

    alert.refresh_from_db()
    assert alert.escalated_at is None
    assert mailoutbox == []
    recipient.refresh_from_db()
    assert recipient.acknowledged_via == "link"
    assert EmergencyContact.objects.get(pk=recipient.contact_id).confirmed_at is not None


def test_an_sms_reply_acknowledges(alert, on_duty):
    contact = alert.recipients.first().contact

    assert sms_inbound(from_phone=contact.phone, body="voy") == 1

    make_due()
    escalation_sweep()
    assert Alert.objects.get(pk=alert.pk).escalated_at is None


def test_a_cancelled_alert_is_not_escalated(alert, on_duty, mailoutbox, django_capture_on_commit_callbacks):
    alert_cancel(alert=alert, pin="1234")
    make_due()

    with django_capture_on_commit_callbacks(execute=True):
        escalation_sweep()

    assert Alert.objects.get(pk=alert.pk).escalated_at is None
    assert mailoutbox == []


def test_one_sweep_raises_every_silent_alert_past_its_deadline_and_no_other(
    alert, on_duty, mailoutbox, django_capture_on_commit_callbacks
):
    silent = alert_raise(account=mia_account(contacts=1), client_id="press-silent")[0]
    heard = alert_raise(account=mia_account(contacts=1), client_id="press-heard")[0]
    alert_acknowledge(recipient=heard.recipients.get(), via="link")
    closed = alert_raise(account=mia_account(contacts=1), client_id="press-closed")[0]
    alert_close(alert=closed, by=on_duty, outcome="false_alarm")
    later = alert_raise(account=mia_account(contacts=1), client_id="press-later")[0]
    make_due()
    Alert.objects.filter(pk=later.pk).update(escalate_at=timezone.now() + timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep() == 2

    assert {a.pk for a in Alert.objects.filter(escalated_at__isnull=False)} == {alert.pk, silent.pk}
    assert len(mailoutbox) == 2  # one per alert raised, each with its own link
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep() == 0  # raised once only

    make_due()
    run_tasks()
    assert Alert.objects.get(pk=later.pk).escalation_reason == "no_ack"
    assert Alert.objects.get(pk=heard.pk).escalated_at is None
    assert Alert.objects.get(pk=closed.pk).escalated_at is None


# --- Closing and retention -------------------------------------------------------------------------------------


def test_close_sets_the_retention_and_writes_an_audit_event(alert, alert_monitor, settings):
    settings.MIA = {**settings.MIA, "LOCATION_RETENTION_DAYS": 30}
    before = timezone.now()

    closed = alert_close(alert=alert, by=alert_monitor, outcome=Outcome.FALSE_ALARM, note="Se activó sola")

    after = timezone.now()
    closed.refresh_from_db()
    assert closed.status == AlertStatus.CLOSED
    assert closed.outcome == Outcome.FALSE_ALARM
    assert closed.closed_by == alert_monitor
    assert closed.ended_at is not None
    assert before + timedelta(days=30) <= closed.purge_after <= after + timedelta(days=30)
    event = AuditEvent.objects.get(object_type="alerts.alert", object_id=str(alert.pk))
    assert event.action == Action.UPDATE
    assert event.actor == alert_monitor
    assert "Se activó sola" not in event.detail


def test_close_uses_90_days_by_default(alert, alert_monitor):
    closed = alert_close(alert=alert, by=alert_monitor, outcome=Outcome.HELPED_BY_CONTACT)

    assert closed.purge_after - timezone.now() > timedelta(days=89, hours=23)
    assert closed.purge_after - timezone.now() <= timedelta(days=90)


def test_an_alert_closes_once_and_with_a_known_outcome(alert, alert_monitor):
    with pytest.raises(ValidationError):
        alert_close(alert=alert, by=alert_monitor, outcome="made_up")
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACTIVE
    assert not AuditEvent.objects.filter(object_type="alerts.alert").exists()

    alert_close(alert=alert, by=alert_monitor, outcome=Outcome.OTHER)
    with pytest.raises(ValidationError):
        alert_close(alert=alert, by=alert_monitor, outcome=Outcome.OTHER)
    assert AuditEvent.objects.filter(object_type="alerts.alert").count() == 1


def test_purge_deletes_only_locations_past_their_retention(account):
    now = timezone.now()
    expired, _created = alert_raise(account=account, client_id="press-expired")
    kept, _created = alert_raise(account=account, client_id="press-kept")
    active, _created = alert_raise(account=account, client_id="press-active")
    for each in (expired, kept, active):
        alert_locate(alert=each, lat=28.6, lon=-106.1, accuracy=10)
        alert_locate(alert=each, lat=28.7, lon=-106.2, accuracy=10)
    Alert.objects.filter(pk__in=[expired.pk, kept.pk]).update(status=AlertStatus.CLOSED, ended_at=now)
    Alert.objects.filter(pk=expired.pk).update(purge_after=now - timedelta(minutes=1))
    Alert.objects.filter(pk=kept.pk).update(purge_after=now + timedelta(days=1))

    assert locations_purge() == 2

    assert not AlertLocation.objects.filter(alert=expired).exists()
    assert AlertLocation.objects.filter(alert=kept).count() == 2
    assert AlertLocation.objects.filter(alert=active).count() == 2
    assert Alert.objects.filter(pk=expired.pk).exists()  # the alert itself stays, without where she was
    assert locations_purge(now=now + timedelta(days=2)) == 2
    assert AlertLocation.objects.filter(alert=active).count() == 2


def test_coordinates_and_sms_text_are_encrypted_at_rest(alert):
    location = alert_locate(alert=alert, lat=28.632996, lon=-106.069100, accuracy=12)
    message = sms(MessageKind.ALERT).first()

    raw_coordinates = raw_column("alerts_alertlocation", "coordinates", location.pk)
    raw_body = raw_column("messaging_message", "body", message.pk)

    assert raw_coordinates.startswith("v1:")
    assert "28.63" not in raw_coordinates
    assert "106.06" not in raw_coordinates
    assert live_token(message.alert_link.recipient) not in raw_body
    assert "Lupita" not in raw_body
    assert AlertLocation.objects.get(pk=location.pk).lat_lon == (28.632996, -106.0691)


def test_an_account_with_more_contacts_than_the_limit_still_alerts_every_one(account, settings):
    """Contacts beyond MAX_CONTACTS (the limit lowered after they were added) still get the alert."""
    settings.MIA = {**settings.MIA, "MAX_CONTACTS": 2}
    for number in range(6 - account.contacts.count()):
        emergency_contact(account, name=f"Extra {number}")

    alert, created = alert_raise(account=account, client_id="press-many")

    assert created
    assert alert.messages.count() == 6 == alert.recipients.count()
    assert len({recipient.token_hash for recipient in alert.recipients.all()}) == 6
    again, created_again = alert_raise(account=account, client_id="press-many")
    assert (again.pk, created_again) == (alert.pk, False)
