"""The MIA JSON API at /api/v1/mia/: what the app (the PWA at /mia/, or a native app) calls.

Sign-up is public (a code by SMS, then a PIN); everything else carries the device token the sign-up returned,
as ``Authorization: Bearer <token>``. Nothing sensitive travels in a URL: phone numbers, codes and PINs go in
JSON bodies only. Errors are ``{"detail": "<Spanish sentence>", "code": "<stable code>"}`` (see violeta/api.py).

A duress cancellation looks exactly like a real one to the app: the cancel answers ``cancelled`` and the
alert's state reads ``cancelled``, while the alert stays active (flagged) for the contacts and the console.
"""

import uuid
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from violeta.alerts import selectors
from violeta.alerts.models import Alert, AlertStatus, AppDisguise, MiaAccount
from violeta.alerts.services import accounts as account_services
from violeta.alerts.services import alerts as alert_services
from violeta.alerts.services import contacts as contact_services
from violeta.alerts.services import practice as practice_services
from violeta.core.idempotency import idempotent
from violeta.core.schemas import Boolean, Integer, Number
from violeta.core.validators import mask_phone
from violeta.messaging.text import fit


class DeviceToken(HttpBearer):
    """The bearer token of a signed-in app; ``request.auth`` is her MiaAccount."""

    def authenticate(self, request, token: str) -> MiaAccount | None:
        return account_services.device_account(token)


router = Router(tags=["mia"], auth=DeviceToken())

Disguise = Literal["mia", "notes", "weather", "calculator"]


# --- Schemas ---------------------------------------------------------------------------------------------------


class Error(Schema):
    detail: str = Field(description="What went wrong, in Spanish, for the person")
    code: str = Field(description="A stable code for programs: otp_wait, otp_rate, pin, max, location, …")


class PhoneIn(Schema):
    phone: str = Field(max_length=40, description="Her number as she writes it; normalised to E.164")


class OtpOut(Schema):
    status: Literal["sent"]
    expires_in_seconds: int
    resend_after_seconds: int


class OtpVerifyIn(PhoneIn):
    code: str = Field(max_length=12)


class OtpVerifyOut(Schema):
    verified: bool


class RegisterIn(OtpVerifyIn):
    display_name: str = Field(max_length=60, description="The name her contacts know her by (in the SMS)")
    pin: str = Field(max_length=12, description="4 to 8 digits, to cancel an alert")
    duress_pin: str = Field(
        "", max_length=12, description="Optional: cancels on screen, keeps the alert active"
    )
    disguise: Disguise = "mia"


class MeOut(Schema):
    display_name: str
    phone_masked: str
    disguise: Disguise
    countdown_seconds: int
    update_interval_seconds: int
    has_duress_pin: bool
    max_contacts: int
    contact_channels: list[str] = Field(
        description="The channels she may choose for a contact (sms, whatsapp, both)"
    )


class RegisterOut(Schema):
    token: str = Field(description="The device token: keep it; it is shown only once")
    account: MeOut


class MeIn(Schema):
    display_name: str | None = Field(None, max_length=60)
    disguise: Disguise | None = None
    countdown_seconds: Integer | None = Field(None, description="3 to 30")
    update_interval_seconds: Integer | None = Field(None, description="30 to 900")


ContactChannelName = Literal["sms", "whatsapp", "both"]


class ContactIn(Schema):
    name: str = Field(max_length=60)
    phone: str = Field(max_length=40)
    channel: ContactChannelName = Field(
        "sms", description="How she receives the alerts (WhatsApp if enabled)"
    )
    principal: Boolean = Field(False, description="The one called when nobody answers; replaces the former")


class ContactUpdateIn(Schema):
    channel: ContactChannelName | None = None
    principal: Boolean | None = None


class ContactOut(Schema):
    id: int
    name: str
    phone_masked: str = Field(description="Only the last four digits: *** *** 0789")
    confirmed: bool
    delivery_problem: bool = Field(
        False, description="Two or more messages to this number were not delivered: she should check it"
    )
    channel: ContactChannelName
    principal: bool


class FallbackOut(Schema):
    numbers: list[str] = Field(description="Her contacts' numbers in E.164")
    message: str = Field(description="The text to send from her own phone")
    sms_link: str = Field(description="sms:<numbers comma-separated>?body=<message>")


class AlertIn(Schema):
    client_id: str = Field(
        min_length=8, max_length=64, description="Idempotency key made by the app (a UUID)"
    )
    test: Boolean = Field(
        False,
        description="A test alert: every message says PRUEBA; the institute is not alerted; it ends without "
        "the PIN (/alerts/{id}/end-test) or by itself after a few minutes",
    )


class AlertOut(Schema):
    id: uuid.UUID
    status: Literal["active", "cancelled", "closed"]
    started_at: datetime
    update_interval_seconds: int
    is_test: bool


class LocationIn(Schema):
    lat: Number
    lon: Number
    accuracy: Number = Field(description="Metres, as the browser reports it")
    captured_at: datetime | None = Field(None, description="When the phone took the fix; now when absent")


class LocationOut(Schema):
    captured_at: datetime
    accuracy: float


class CancelIn(Schema):
    pin: str = Field(max_length=12)


class CancelOut(Schema):
    status: Literal["cancelled"]


class AcknowledgementOut(Schema):
    name: str
    at: datetime


MessageState = Literal["sending", "sent", "delivered", "read", "failed"]


class ContactMessageOut(Schema):
    channel: str = Field(description="sms or whatsapp")
    state: MessageState
    fallback: bool = Field(description="The SMS sent again because a WhatsApp message was not delivered")


class ContactStateOut(Schema):
    name: str
    state: MessageState | Literal["acknowledged"] = Field(
        description="acknowledged once she answered, else the furthest any of her messages got"
    )
    acknowledged_at: datetime | None
    messages: list[ContactMessageOut]


class AlertStateOut(AlertOut):
    acknowledgements: list[AcknowledgementOut]
    contacts: list[ContactStateOut] = Field(
        description="Each contact and the state of her messages, as it happens"
    )


# --- Helpers ---------------------------------------------------------------------------------------------------


def _me(account: MiaAccount) -> MeOut:
    return MeOut(
        display_name=account.display_name,
        phone_masked=mask_phone(account.phone),
        disguise=account.disguise,
        countdown_seconds=account.countdown_seconds,
        update_interval_seconds=account.update_interval_seconds,
        has_duress_pin=bool(account.duress_pin_hash),
        max_contacts=settings.MIA["MAX_CONTACTS"],
        contact_channels=contact_services.contact_channels(),
    )


def _app_status(alert: Alert) -> str:
    """What the app may know: a duress alert reads as cancelled."""
    return AlertStatus.CANCELLED if alert.is_duress and alert.status == AlertStatus.ACTIVE else alert.status


def _alert_out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.public_id,
        status=_app_status(alert),
        started_at=alert.started_at,
        update_interval_seconds=alert.account.update_interval_seconds,
        is_test=alert.is_test,
    )


def _own_alert(request, alert_id: uuid.UUID) -> Alert:
    return selectors.app_alert(request.auth, alert_id)


def fallback_message(account: MiaAccount) -> str:
    """The text she sends from her own phone when the app cannot reach the server (no link: there is none)."""
    return fit(_("MIA ALERT: {name} needs help. Call her or look for her now."), name=account.display_name)


# --- Sign-up ---------------------------------------------------------------------------------------------------

ERRORS = {400: Error, 429: Error}
AUTH_ERRORS = {400: Error, 401: Error}
RETRY_ERRORS = {409: Error, 422: Error}  # a reused or busy Idempotency-Key (violeta/core/idempotency.py)


@router.post(
    "/otp",
    auth=None,
    response={202: OtpOut, **ERRORS, **RETRY_ERRORS},
    summary="Send a verification code by SMS",
    url_name="mia_otp_request",
)
@idempotent
def otp_request(request, payload: PhoneIn):
    """Sends a 6-digit code to the number. Limited per number (429 with code ``otp_wait`` or ``otp_rate``)."""
    account_services.otp_request(phone=payload.phone)
    return Status(
        202,
        OtpOut(
            status="sent",
            expires_in_seconds=settings.MIA["OTP_TTL_SECONDS"],
            resend_after_seconds=settings.MIA["OTP_RESEND_SECONDS"],
        ),
    )


@router.post(
    "/otp/verify",
    auth=None,
    response={200: OtpVerifyOut, **ERRORS},
    summary="Check the code",
    url_name="mia_otp_verify",
)
def otp_verify(request, payload: OtpVerifyIn):
    """Few attempts per code; after them a new code is needed."""
    account_services.otp_verify(phone=payload.phone, code=payload.code)
    return OtpVerifyOut(verified=True)


@router.post(
    "/register",
    auth=None,
    response={201: RegisterOut, **ERRORS, **RETRY_ERRORS},
    summary="Create her account",
    url_name="mia_register",
)
@idempotent
def register(request, payload: RegisterIn):
    """After a verified code: her name for the SMS, her PIN, an optional duress PIN and the app's disguise.

    Returns the device token once; the app keeps it (localStorage) and sends it as a bearer token.
    """
    account, token = account_services.account_register(
        phone=payload.phone,
        code=payload.code,
        display_name=payload.display_name,
        pin=payload.pin,
        duress_pin=payload.duress_pin,
        disguise=payload.disguise,
    )
    return Status(201, RegisterOut(token=token, account=_me(account)))


@router.get("/me", response={200: MeOut, 401: Error}, summary="Her settings", url_name="mia_me")
def me(request):
    return _me(request.auth)


@router.patch(
    "/me", response={200: MeOut, **AUTH_ERRORS}, summary="Change her settings", url_name="mia_me_update"
)
def me_update(request, payload: MeIn):
    fields = payload.dict(exclude_unset=True, exclude_none=True)
    if "disguise" in fields:
        fields["disguise"] = AppDisguise(fields["disguise"])
    account = account_services.settings_update(account=request.auth, **fields)
    return _me(account)


# --- Contacts --------------------------------------------------------------------------------------------------


def _contact_out(contact, failing: set[int] = frozenset()) -> ContactOut:
    return ContactOut(
        id=contact.pk,
        name=contact.name,
        phone_masked=mask_phone(contact.phone),
        confirmed=contact.confirmed_at is not None,
        delivery_problem=contact.pk in failing,
        channel=contact.channel,
        principal=contact.is_principal,
    )


@router.get(
    "/contacts",
    response={200: list[ContactOut], 401: Error},
    summary="Her support network",
    url_name="mia_contacts",
)
def contacts(request):
    """Numbers are masked: the app never shows a whole number (see /contacts/fallback for the one exception)."""
    contacts = list(request.auth.contacts.filter(removed_at__isnull=True))
    failing = selectors.contacts_failing(contacts)
    return [_contact_out(c, failing) for c in contacts]


@router.post(
    "/contacts",
    response={201: ContactOut, **AUTH_ERRORS, 429: Error, **RETRY_ERRORS},
    summary="Add a contact",
    url_name="mia_contact_add",
)
@idempotent
def contact_add(request, payload: ContactIn):
    """Up to 5 (code ``max``). The contact receives an invitation SMS; replying or opening it confirms."""
    contact = contact_services.contact_add(
        account=request.auth,
        name=payload.name,
        phone=payload.phone,
        channel=payload.channel,
        principal=payload.principal,
    )
    return Status(201, _contact_out(contact))


@router.get(
    "/contacts/fallback",
    response={200: FallbackOut, 401: Error},
    summary="Numbers and text for the SMS fallback",
    url_name="mia_contacts_fallback",
)
def contacts_fallback(request):
    """Full numbers and the prepared message, for an ``sms:`` link when the alert cannot reach the server.

    The app fetches this whenever her contacts change and caches it on the phone (localStorage), because it is
    needed exactly when there is no connection. It is the only place the API returns whole numbers.
    """
    account = request.auth
    numbers = list(account.contacts.filter(removed_at__isnull=True).values_list("phone", flat=True))
    message = fallback_message(account)
    return FallbackOut(
        numbers=numbers, message=message, sms_link=f"sms:{','.join(numbers)}?body={quote(message)}"
    )


@router.delete(
    "/contacts/{contact_id}",
    response={204: None, 400: Error, 401: Error, 404: Error},
    summary="Remove a contact",
    url_name="mia_contact_remove",
)
def contact_remove(request, contact_id: int):
    contact_services.contact_remove(account=request.auth, contact_id=contact_id)
    return Status(204, None)


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, 400: Error, 401: Error, 404: Error},
    summary="Change a contact's channel, or make her the principal one",
    url_name="mia_contact_update",
)
def contact_update(request, contact_id: int, payload: ContactUpdateIn):
    """``channel``: sms, whatsapp or both (code ``channel`` when WhatsApp is not on); ``principal``: the one called
    when nobody acknowledges an alert (at most one: making one principal unmarks the former)."""
    contact = contact_services.contact_update(
        account=request.auth, contact_id=contact_id, channel=payload.channel, principal=payload.principal
    )
    return Status(200, _contact_out(contact))


# --- Alerts ----------------------------------------------------------------------------------------------------


@router.post(
    "/alerts",
    response={200: AlertOut, 201: AlertOut, **AUTH_ERRORS},
    summary="Raise an alert",
    url_name="mia_alert_raise",
)
def alert_raise(request, payload: AlertIn):
    """The alert SMS to every contact is queued at once, before any location. Idempotent by ``client_id``:
    the same press sent again (bad network) answers 200 with the same alert."""
    try:
        alert, created = alert_services.alert_raise(
            account=request.auth, client_id=payload.client_id, test=payload.test
        )
    except (IntegrityError, Alert.DoesNotExist):  # another account's client_id: not hers to see
        raise Http404 from None
    return Status(201 if created else 200, _alert_out(alert))


@router.get(
    "/alerts/{alert_id}",
    response={200: AlertStateOut, 400: Error, 401: Error, 404: Error},
    summary="Alert state",
    url_name="mia_alert_state",
)
def alert_state(request, alert_id: uuid.UUID):
    """Its status (a duress alert reads ``cancelled``), who acknowledged it, and how often to send the location.
    The app polls this every few seconds while the alert is on screen."""
    alert = _own_alert(request, alert_id)
    acknowledgements, contacts = [], []
    if not alert.is_duress:  # it reads as cancelled: nothing of it changes on her screen
        contacts = selectors.alert_contact_states(alert)
        acknowledgements = [
            AcknowledgementOut(name=c["name"], at=c["acknowledged_at"])
            for c in sorted(contacts, key=lambda c: c["acknowledged_at"] or alert.started_at)
            if c["acknowledged_at"]
        ]
    out = _alert_out(alert)
    return AlertStateOut(**out.dict(), acknowledgements=acknowledgements, contacts=contacts)


@router.post(
    "/alerts/{alert_id}/locations",
    response={201: LocationOut, 400: Error, 401: Error, 404: Error, **RETRY_ERRORS},
    summary="Send a location",
    url_name="mia_alert_locate",
)
@idempotent
def alert_locate(request, alert_id: uuid.UUID, payload: LocationIn):
    """A fix from the phone. The first one tells the contacts that the live page shows where she is.
    Malformed coordinates get 400 (code ``location``) and nothing is stored; an ended alert, code ``inactive``."""
    alert = _own_alert(request, alert_id)
    location = alert_services.alert_locate(
        alert=alert,
        lat=payload.lat,
        lon=payload.lon,
        accuracy=payload.accuracy,
        captured_at=payload.captured_at,
    )
    return Status(201, LocationOut(captured_at=location.captured_at, accuracy=location.accuracy_m))


@router.post(
    "/alerts/{alert_id}/cancel",
    response={200: CancelOut, 400: Error, 401: Error, 404: Error, 429: Error},
    summary="Cancel with her PIN",
    url_name="mia_alert_cancel",
)
def alert_cancel(request, alert_id: uuid.UUID, payload: CancelIn):
    """Answers ``cancelled`` for her PIN and for her duress PIN alike. A wrong PIN is 400 (code ``pin``);
    after too many, 429 (code ``pin_locked``) and only staff can end the alert."""
    alert = _own_alert(request, alert_id)
    alert_services.alert_cancel(alert=alert, pin=payload.pin)
    return CancelOut(status="cancelled")


@router.post(
    "/alerts/{alert_id}/end-test",
    response={200: AlertOut, 400: Error, 401: Error, 404: Error},
    summary="End a test alert (no PIN)",
    url_name="mia_alert_test_end",
)
def alert_test_end(request, alert_id: uuid.UUID):
    """A test alert ends without her PIN (nothing is at stake); her contacts are told, with "PRUEBA". A real
    alert answers 400 (code ``not_test``): only her PIN ends it."""
    alert = practice_services.alert_test_end(alert=_own_alert(request, alert_id))
    return _alert_out(alert)
