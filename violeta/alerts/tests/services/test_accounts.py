"""MIA accounts: the one-time code and sign-up."""

import secrets
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from violeta.alerts.models import MiaAccount, MiaDevice, PhoneVerification
from violeta.alerts.services.accounts import account_register, device_account, otp_request, otp_verify
from violeta.alerts.tests.services.helpers import (
    PHONE,
    age_requests,
    assert_error_in_spanish,
    code_from,
    request_code,
    sms,
    verified_code,
    wrong,
)
from violeta.messaging.models import Message, MessageKind, MessageStatus
from violeta.messaging.text import is_single_gsm7_segment

pytestmark = pytest.mark.django_db


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
