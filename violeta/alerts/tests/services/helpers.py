"""What the tests of MIA's services share: reading the outbox, asking for codes, Spanish messages."""

import re
from datetime import timedelta

from django.db.models import F
from django.utils import translation

from violeta.alerts.models import PhoneVerification
from violeta.alerts.services.accounts import otp_request, otp_verify
from violeta.messaging.models import Message, MessageKind

PHONE = "+526144900789"


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
