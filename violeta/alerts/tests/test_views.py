"""MIA's pages outside the app: the contact's live page and invitation, the SMS webhooks, and the console."""

import re
import secrets
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from violeta.alerts.models import Alert, AlertRecipient, AlertStatus, EmergencyContact, MiaAccount, Outcome
from violeta.alerts.services.alerts import (
    alert_acknowledge,
    alert_cancel,
    alert_close,
    alert_locate,
    alert_raise,
)
from violeta.alerts.services.common import sms_queue
from violeta.alerts.services.contacts import contact_remove
from violeta.alerts.services.escalation import escalation_sweep
from violeta.alerts.tests.factories import live_token
from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.core.tokens import token_hash
from violeta.messaging.backends import locmem
from violeta.messaging.backends.twilio import signature
from violeta.messaging.models import Message, MessageKind, MessageStatus, ProviderReport
from violeta.messaging.sender import deliver_due
from violeta.notifications.models import Notification

PIN = "2468"
DURESS_PIN = "1357"
HER_PHONE = "+526141234567"
CONTACTS = [("Lucía Hernández", "+526149876543"), ("Marta Ruiz", "+526145550101")]
TOKEN = "twilio-test-token"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mia_settings(settings):
    settings.SMS_BACKEND = "violeta.messaging.backends.locmem.LocmemBackend"
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = "https://violeta.example"
    locmem.outbox.clear()


def make_account(name="Ana", phone=HER_PHONE, contacts=CONTACTS) -> MiaAccount:
    """Her account and support network as rows (sign-up by SMS code is the services' tests' business)."""
    account = MiaAccount.objects.create(
        phone=phone, display_name=name, pin_hash=make_password(PIN), duress_pin_hash=make_password(DURESS_PIN)
    )
    for contact_name, contact_phone in contacts:
        contact = EmergencyContact(account=account, name=contact_name, phone=contact_phone)
        contact.confirm_token_hash = token_hash(invitation_token(contact))
        contact.save()
    return account


def raise_alert(account=None, **kwargs) -> Alert:
    account = account or make_account(**kwargs)
    alert, _created = alert_raise(account=account, client_id=secrets.token_hex(8))
    return alert


def run_worker():
    """What the sender does with the outbox."""
    deliver_due()


def invitation_token(contact) -> str:
    """The invitation token of a contact made by make_account (the database keeps only its hash)."""
    return f"inv{contact.account_id}-{contact.phone.lstrip('+')}"


def first_recipient(alert) -> AlertRecipient:
    recipient = alert.recipients.select_related("contact").order_by("id").first()
    recipient.token = live_token(recipient)  # from her alert SMS: the database keeps only its hash
    return recipient


def signed_post(client, name, data, *, token=TOKEN):
    url = reverse(name)
    header = signature("https://violeta.example" + url, data, token=token)
    return client.post(url, data, HTTP_X_TWILIO_SIGNATURE=header)


# --- The live page ---------------------------------------------------------------------------------------------


def test_live_page_names_her_and_says_there_is_no_location_yet(client):
    alert = raise_alert(name="Ana Sofía")
    recipient = first_recipient(alert)
    response = client.get(reverse("alerts:live", kwargs={"token": recipient.token}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana Sofía" in html
    assert 'data-testid="no-location"' in html
    assert reverse("alerts:live_state", kwargs={"token": recipient.token}) in html
    assert 'hx-trigger="every 10s"' in html
    assert reverse("alerts:live_ack", kwargs={"token": recipient.token}) in html
    assert "csrfmiddlewaretoken" in html
    # nothing about her but the name she chose
    assert HER_PHONE[-4:] not in html
    assert "9-1-1" in html
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert 'name="robots" content="noindex' in html


def test_live_page_shows_the_latest_location_with_links_but_no_third_party_assets(client):
    alert = raise_alert()
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk).update(started_at=now - timedelta(minutes=10))  # raised 10 min ago
    alert_locate(alert=alert, lat=28.6, lon=-106.1, accuracy=80, captured_at=now - timedelta(minutes=9))
    alert_locate(
        alert=alert, lat=28.635291, lon=-106.088712, accuracy=12.4, captured_at=now - timedelta(minutes=2)
    )
    response = client.get(reverse("alerts:live", kwargs={"token": first_recipient(alert).token}))
    html = response.content.decode()
    assert "28.63529, -106.08871" in html
    assert 'href="geo:28.63529,-106.08871"' in html
    assert "openstreetmap.org/?mlat=28.63529&amp;mlon=-106.08871" in html
    assert re.search(r"\b12 m\b", html)
    assert re.search(r"\b2 min\b", html)
    assert "28.60000" not in html  # only the latest
    assert not re.search(r'(src|href)="https?://(?!www\.openstreetmap\.org/\?)', html)
    assert not re.search(r"<(script|style)>", html)  # CSP: no inline script or style


def test_live_state_is_the_partial_with_who_is_on_the_way(client):
    alert = raise_alert()
    lucia, marta = alert.recipients.select_related("contact").order_by("id")
    alert_acknowledge(recipient=lucia, via="link")
    response = client.get(
        reverse("alerts:live_state", kwargs={"token": live_token(marta)}), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Lucía" in html
    assert "Hernández" not in html  # first names only
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", ["alerts:live", "alerts:live_state"])
@pytest.mark.parametrize("how", ["wrong", "cancelled", "closed"])
def test_wrong_or_expired_token_gets_404(client, alert_monitor, name, how):
    alert = raise_alert()
    token = first_recipient(alert).token
    if how == "wrong":
        token = secrets.token_urlsafe(16)
    elif how == "cancelled":
        alert_cancel(alert=alert, pin=PIN)
    else:
        alert_close(alert=alert, by=alert_monitor, outcome=Outcome.FALSE_ALARM)
    assert client.get(reverse(name, kwargs={"token": token})).status_code == 404
    response = client.post(reverse("alerts:live_ack", kwargs={"token": token}))
    assert response.status_code == 404
    assert not AlertRecipient.objects.filter(acknowledged_at__isnull=False).exists()


def test_polling_an_ended_alert_says_so_and_stops_htmx(client):
    alert = raise_alert()
    token = first_recipient(alert).token
    alert_cancel(alert=alert, pin=PIN)
    response = client.get(reverse("alerts:live_state", kwargs={"token": token}), HTTP_HX_REQUEST="true")
    assert response.status_code == 286  # htmx: stop polling
    assert 'data-testid="ended"' in response.content.decode()


def test_a_duress_cancelled_alert_stays_on_the_live_page(client):
    alert = raise_alert()
    alert_cancel(alert=alert, pin=DURESS_PIN)
    assert (
        client.get(reverse("alerts:live", kwargs={"token": first_recipient(alert).token})).status_code == 200
    )


def test_ack_from_the_live_page_is_recorded_and_shown_in_the_console(client, alert_monitor):
    alert = raise_alert()
    recipient = first_recipient(alert)
    url = reverse("alerts:live", kwargs={"token": recipient.token})
    assert client.get(reverse("alerts:live_ack", kwargs={"token": recipient.token})).status_code == 405
    response = client.post(reverse("alerts:live_ack", kwargs={"token": recipient.token}))
    assert response.status_code == 302
    assert response["Location"] == url
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is not None
    assert recipient.acknowledged_via == "link"
    page = client.get(url).content.decode()
    assert 'data-testid="acknowledged"' in page
    assert 'data-testid="ack"' not in page  # the button is gone
    assert "Lucía" in page
    # pressing again changes nothing
    first = recipient.acknowledged_at
    client.post(reverse("alerts:live_ack", kwargs={"token": recipient.token}))
    recipient.refresh_from_db()
    assert recipient.acknowledged_at == first

    client.force_login(alert_monitor)
    row = client.get(reverse("alerts:console_list")).content.decode()
    assert re.search(r'data-testid="acks">1/2<', row)
    detail = client.get(
        reverse("alerts:console_detail", kwargs={"public_id": alert.public_id})
    ).content.decode()
    assert 'data-testid="ack-event"' in detail
    assert "Lucía Hernández" in detail


def test_ack_needs_the_csrf_token(alert_monitor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    alert = raise_alert()
    recipient = first_recipient(alert)
    assert client.post(reverse("alerts:live_ack", kwargs={"token": recipient.token})).status_code == 403
    page = client.get(reverse("alerts:live", kwargs={"token": recipient.token})).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("alerts:live_ack", kwargs={"token": recipient.token}), {"csrfmiddlewaretoken": csrf}
    )
    assert response.status_code == 302


# --- The invitation --------------------------------------------------------------------------------------------


def test_contact_confirms_the_invitation(client):
    account = make_account(name="Ana")
    contact = account.contacts.first()
    url = reverse("alerts:contact_confirm", kwargs={"token": invitation_token(contact)})
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana" in html
    assert 'data-testid="confirm"' in html
    assert HER_PHONE[-4:] not in html
    assert response["Referrer-Policy"] == "same-origin"
    assert client.post(url).status_code == 302
    contact.refresh_from_db()
    assert contact.confirmed_at is not None
    assert 'data-testid="confirmed"' in client.get(url).content.decode()


def test_unknown_or_removed_invitation_gets_404(client):
    account = make_account()
    contact = account.contacts.first()
    assert client.get(reverse("alerts:contact_confirm", kwargs={"token": "nope"})).status_code == 404
    contact_remove(account=account, contact_id=contact.pk)
    url = reverse("alerts:contact_confirm", kwargs={"token": invitation_token(contact)})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    contact.refresh_from_db()
    assert contact.confirmed_at is None


# --- The SMS webhooks ------------------------------------------------------------------------------------------


@pytest.fixture
def sent_alert():
    """An alert whose first messages the worker has handed to the (locmem) gateway."""
    alert = raise_alert()
    run_worker()
    message = Message.objects.get(alert_link__recipient=first_recipient(alert), kind=MessageKind.ALERT)
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id
    return alert, message


@pytest.mark.parametrize("name", ["messaging:status", "alerts:sms_inbound"])
@pytest.mark.parametrize("header", ["", "forged", "wrong-key"])
def test_webhook_with_a_bad_signature_is_refused_and_changes_nothing(client, sent_alert, name, header):
    alert, message = sent_alert
    data = {"MessageSid": message.provider_message_id, "MessageStatus": "delivered", "From": CONTACTS[0][1]}
    if header == "wrong-key":
        response = signed_post(client, name, data, token="not-the-token")
    else:
        response = client.post(reverse(name), data, HTTP_X_TWILIO_SIGNATURE=header)
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert not alert.recipients.filter(acknowledged_at__isnull=False).exists()


def test_webhook_is_refused_when_no_auth_token_is_configured(client, settings, sent_alert):
    _alert, message = sent_alert
    data = {"MessageSid": message.provider_message_id, "MessageStatus": "delivered"}
    header = signature("https://violeta.example" + reverse("messaging:status"), data, token="")
    settings.TWILIO_AUTH_TOKEN = ""
    response = client.post(reverse("messaging:status"), data, HTTP_X_TWILIO_SIGNATURE=header)
    assert response.status_code == 403


def test_webhooks_take_only_post(client):
    assert client.get(reverse("messaging:status")).status_code == 405
    assert client.get(reverse("alerts:sms_inbound")).status_code == 405


def test_delivered_status_marks_the_message_delivered(client, sent_alert):
    _alert, message = sent_alert
    data = {"MessageSid": message.provider_message_id, "MessageStatus": "delivered", "AccountSid": "AC1"}
    response = signed_post(client, "messaging:status", data)
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None


def test_failed_status_schedules_a_retry(client, sent_alert):
    _alert, message = sent_alert
    response = signed_post(
        client, "messaging:status", {"MessageSid": message.provider_message_id, "MessageStatus": "failed"}
    )
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.next_attempt_at > timezone.now()
    assert "failed" in message.last_error


def test_status_of_a_message_not_recorded_yet_is_kept_and_applied_when_its_send_is_recorded(
    client, sent_alert
):
    """The provider's callback can arrive before its own answer to the send: it was dropped (204) and the
    message re-sent for "no delivery report"; now it is kept until the id is recorded."""
    response = signed_post(
        client, "messaging:status", {"MessageSid": "SMearly", "MessageStatus": "delivered"}
    )
    assert response.status_code == 204
    assert not Message.objects.filter(status=MessageStatus.DELIVERED).exists()
    assert ProviderReport.objects.filter(provider_message_id="SMearly", provider_status="delivered").exists()


def test_an_sms_reply_from_a_contact_acknowledges_her_active_alert(client):
    alert = raise_alert()
    response = signed_post(client, "alerts:sms_inbound", {"From": CONTACTS[1][1], "Body": "Voy para alla"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert "<Response/>" in response.content.decode()
    marta = alert.recipients.get(contact__phone=CONTACTS[1][1])
    assert marta.acknowledged_at is not None
    assert marta.acknowledged_via == "sms"
    assert not alert.recipients.get(contact__phone=CONTACTS[0][1]).acknowledged_at


def test_an_sms_from_a_stranger_changes_nothing(client):
    alert = raise_alert()
    response = signed_post(client, "alerts:sms_inbound", {"From": "+526140000000", "Body": "hola"})
    assert response.status_code == 200
    assert not alert.recipients.filter(acknowledged_at__isnull=False).exists()


# --- The console -----------------------------------------------------------------------------------------------


def test_console_is_for_alert_monitors_and_the_director(client, lawyer, alert_monitor, director):
    alert = raise_alert()
    urls = [
        reverse("alerts:console"),
        reverse("alerts:console_list"),
        reverse("alerts:console_detail", kwargs={"public_id": alert.public_id}),
        reverse("alerts:console_timeline", kwargs={"public_id": alert.public_id}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    client.force_login(lawyer)
    for url in urls:
        assert client.get(url).status_code == 404
    close = reverse("alerts:console_close", kwargs={"public_id": alert.public_id})
    assert client.post(close, {"outcome": Outcome.FALSE_ALARM}).status_code == 404
    assert Alert.objects.get().status == AlertStatus.ACTIVE
    for user in (alert_monitor, director):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)


def test_console_reads_are_audited(client, alert_monitor):
    alert = raise_alert(name="Ana")
    client.force_login(alert_monitor)
    response = client.get(reverse("alerts:console"))
    assert "Ana" in response.content.decode()
    assert reverse("alerts:console_list") in response.content.decode()
    assert 'hx-trigger="every 5s"' in response.content.decode()
    events = AuditEvent.objects.filter(actor=alert_monitor, action=Action.VIEW, object_type="alerts.alert")
    assert events.filter(object_id=str(alert.pk), detail="consola").count() == 1
    client.get(reverse("alerts:console_list"))
    client.get(reverse("alerts:console_detail", kwargs={"public_id": alert.public_id}))
    client.get(reverse("alerts:console_timeline", kwargs={"public_id": alert.public_id}))
    assert events.count() == 4


def test_unknown_alert_is_404_and_audited(client, alert_monitor):
    import uuid

    client.force_login(alert_monitor)
    missing = uuid.uuid4()
    assert client.get(reverse("alerts:console_detail", kwargs={"public_id": missing})).status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, object_id=str(missing)).exists()


def test_console_flags_duress_and_unanswered_alerts(client, alert_monitor, settings):
    quiet = raise_alert(name="Quieta", phone="+526141111111")
    forced = raise_alert(name="Forzada", phone="+526142222222")
    alert_cancel(alert=forced, pin=DURESS_PIN)  # looks cancelled to whoever forces her
    Alert.objects.filter(pk=quiet.pk).update(escalate_at=timezone.now())
    escalation_sweep()
    client.force_login(alert_monitor)
    html = client.get(reverse("alerts:console_list")).content.decode()
    assert html.index("Forzada") < html.index("Quieta")  # duress on top
    assert html.count('data-testid="duress"') == 1
    assert "table-danger" in html and "table-warning" in html
    assert "3 min" in html  # "Sin respuesta en 3 min"
    detail = client.get(reverse("alerts:console_detail", kwargs={"public_id": forced.public_id}))
    assert 'data-testid="duress"' in detail.content.decode()


def test_console_detail_shows_map_locations_and_masked_messages(client, alert_monitor):
    alert = raise_alert()
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk).update(started_at=now - timedelta(minutes=7))  # raised 7 min ago
    for minutes, lat in ((6, 28.63), (4, 28.631), (1, 28.632)):
        alert_locate(
            alert=alert, lat=lat, lon=-106.08, accuracy=15, captured_at=now - timedelta(minutes=minutes)
        )
    run_worker()
    client.force_login(alert_monitor)
    html = client.get(
        reverse("alerts:console_detail", kwargs={"public_id": alert.public_id})
    ).content.decode()
    assert 'data-testid="plot"' in html
    # Issue 16, finding 7: the drawing says what it is (it read as an empty grey "Mapa" with a dot).
    assert "No es un mapa de calles" in html and ">Mapa<" not in html
    assert html.count("<circle") == 3
    assert "28.63200, -106.08000" in html
    assert "*** *** 6543" in html
    assert CONTACTS[0][1] not in html and "614 987 6543" not in html
    assert "openstreetmap.org" in html
    assert not re.search(r'src="https?://', html)
    assert not re.search(r"<(script|style)>", html)
    assert reverse("alerts:console_timeline", kwargs={"public_id": alert.public_id}) in html


def test_timeline_partial_stops_polling_once_the_alert_is_closed(client, alert_monitor):
    alert = raise_alert()
    client.force_login(alert_monitor)
    url = reverse("alerts:console_timeline", kwargs={"public_id": alert.public_id})
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    alert_close(alert=alert, by=alert_monitor, outcome=Outcome.FALSE_ALARM)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 286


def test_closing_an_alert_with_an_outcome(client, alert_monitor):
    alert = raise_alert()
    client.force_login(alert_monitor)
    url = reverse("alerts:console_close", kwargs={"public_id": alert.public_id})
    assert client.get(url).status_code == 405
    response = client.post(url, {"outcome": "", "note": ""})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert Alert.objects.get().status == AlertStatus.ACTIVE

    response = client.post(url, {"outcome": Outcome.HELPED_BY_CONTACT, "note": "Su hermana llegó."})
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:console_detail", kwargs={"public_id": alert.public_id})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert alert.outcome == Outcome.HELPED_BY_CONTACT
    assert alert.outcome_note == "Su hermana llegó."
    assert alert.closed_by == alert_monitor
    assert alert.purge_after is not None
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(alert.pk), detail="cierre").exists()
    # closed: it leaves the console list, and the live page is gone
    assert alert.public_id.hex not in client.get(reverse("alerts:console_list")).content.decode().replace(
        "-", ""
    )
    assert (
        client.get(reverse("alerts:live", kwargs={"token": first_recipient(alert).token})).status_code == 404
    )
    # closing twice is refused with a message, not a crash
    response = client.post(url, {"outcome": Outcome.OTHER})
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.outcome == Outcome.HELPED_BY_CONTACT


def test_the_monitor_asks_the_case_team_to_link_a_case_she_cannot_see(client, alert_monitor, lawyer):
    """Issue 16, finding 2b: the monitor role sees no cases, so linking one was a dead end ("No hay un
    expediente con ese folio que usted pueda ver"). Now the link is asked for, the team confirms it, and the
    monitor never reads the case."""
    case = CaseFactory(opened_by=lawyer)
    alert = raise_alert()
    client.force_login(alert_monitor)
    url = reverse("alerts:console_close", kwargs={"public_id": alert.public_id})
    response = client.post(url, {"outcome": Outcome.STAFF_CONTACTED, "folio": f" {case.folio.lower()} "})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.case is None and alert.pending_case == case
    assert not AuditEvent.objects.filter(action=Action.VIEW, case_id=case.pk, actor=alert_monitor).exists()
    page = client.get(
        reverse("alerts:console_detail", kwargs={"public_id": alert.public_id})
    ).content.decode()
    assert "Se pidió al equipo del expediente" in page
    notice = Notification.objects.get(recipient=lawyer)
    assert case.folio in notice.message
    # The team confirms it: the alert is linked, and audited.
    client.force_login(lawyer)
    review = reverse("alerts:case_link_review", kwargs={"public_id": alert.public_id})
    assert notice.url == review
    assert client.get(review).status_code == 200
    assert client.post(review, {"decision": "confirm"}).status_code == 302
    alert.refresh_from_db()
    assert alert.case == case and alert.pending_case is None
    assert AuditEvent.objects.filter(actor=lawyer, object_type="alerts.alert", case_id=case.pk).exists()


def test_a_link_request_is_reviewed_only_by_who_may_see_the_case(client, alert_monitor, lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer)
    alert = raise_alert()
    client.force_login(alert_monitor)
    close = reverse("alerts:console_close", kwargs={"public_id": alert.public_id})
    client.post(close, {"outcome": Outcome.STAFF_CONTACTED, "folio": case.folio})
    review = reverse("alerts:case_link_review", kwargs={"public_id": alert.public_id})
    for outsider in (psychologist, alert_monitor):
        client.force_login(outsider)
        assert client.post(review, {"decision": "confirm"}).status_code == 404
    client.force_login(lawyer)
    assert client.post(review, {"decision": "decline"}).status_code == 302
    alert.refresh_from_db()
    assert alert.case is None and alert.pending_case is None


def test_an_unknown_folio_is_refused_and_changes_nothing(client, alert_monitor):
    alert = raise_alert()
    client.force_login(alert_monitor)
    url = reverse("alerts:console_close", kwargs={"public_id": alert.public_id})
    response = client.post(url, {"outcome": Outcome.STAFF_CONTACTED, "folio": "IMM-1999-999999"})
    assert response.status_code == 200
    assert "No hay un expediente con ese folio" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACTIVE and alert.case is None and alert.pending_case is None


def test_the_director_links_a_case_she_can_see(client, director, lawyer):
    case = CaseFactory(opened_by=lawyer)
    alert = raise_alert()
    client.force_login(director)
    url = reverse("alerts:console_close", kwargs={"public_id": alert.public_id})
    response = client.post(url, {"outcome": Outcome.STAFF_CONTACTED, "folio": f" {case.folio.lower()} "})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.case == case
    assert AuditEvent.objects.filter(action=Action.VIEW, case_id=case.pk, actor=director).exists()
    assert (
        case.folio
        in client.get(
            reverse("alerts:console_detail", kwargs={"public_id": alert.public_id})
        ).content.decode()
    )


# --- Query counts ----------------------------------------------------------------------------------------------


def _queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_console_list_queries_do_not_grow_with_alerts(client, alert_monitor, django_assert_max_num_queries):
    client.force_login(alert_monitor)
    url = reverse("alerts:console_list")
    raise_alert(name="Una", phone="+526143000000")
    # The first poll also runs the outbox's alarms check; the next ones only read its state (3 queries).
    client.get(url)
    one = _queries_for(client, url, django_assert_max_num_queries, 11)
    for n in range(1, 20):
        alert = raise_alert(name=f"Mujer {n}", phone=f"+5261430000{n:02d}")
        alert_locate(alert=alert, lat=28.6, lon=-106.1, accuracy=10)
    assert Alert.objects.filter(status=AlertStatus.ACTIVE).count() == 20
    twenty = _queries_for(client, url, django_assert_max_num_queries, 11)
    assert twenty == one


def test_console_detail_queries_do_not_grow_with_locations(
    client, alert_monitor, django_assert_max_num_queries
):
    alert = raise_alert()
    alert_locate(alert=alert, lat=28.6, lon=-106.1, accuracy=10)
    client.force_login(alert_monitor)
    url = reverse("alerts:console_detail", kwargs={"public_id": alert.public_id})
    # The first request of a session writes its last-seen time; the ones after, within a minute, do not.
    client.get(url)
    one = _queries_for(client, url, django_assert_max_num_queries, 13)
    now = timezone.now()
    for n in range(29):
        alert_locate(
            alert=alert, lat=28.6 + n / 1000, lon=-106.1, accuracy=10, captured_at=now - timedelta(seconds=n)
        )
        sms_queue(kind=MessageKind.REMINDER, to=CONTACTS[0][1], body="x", alert=alert)
    assert alert.locations.count() == 30 and alert.messages.count() >= 30
    thirty = _queries_for(client, url, django_assert_max_num_queries, 13)
    assert thirty == one
    timeline = reverse("alerts:console_timeline", kwargs={"public_id": alert.public_id})
    _queries_for(client, timeline, django_assert_max_num_queries, 12)


def test_staff_link_her_mia_app_to_her_record_only_with_her_consent(client, lawyer):
    from violeta.alerts.tests.factories import mia_account
    from violeta.cases.tests.factories import CaseFactory
    from violeta.people.services import consent_record

    person = CaseFactory(opened_by=lawyer).holder
    account = mia_account()
    client.force_login(lawyer)
    url = reverse("alerts:person_link", kwargs={"pk": person.pk})
    response = client.post(url, {"phone": account.phone})
    assert response.status_code == 200
    assert "consentimiento" in response.content.decode()
    account.refresh_from_db()
    assert account.person is None

    consent_record(person=person, by=lawyer, purpose="mia_link", scope="Vincular su app MIA")
    response = client.post(url, {"phone": account.phone})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.person == person and account.linked_at is not None
    assert AuditEvent.objects.filter(object_type="alerts.miaaccount", object_id=str(account.pk)).exists()


def test_her_mia_app_is_not_linked_once_she_withdrew_that_consent(client, lawyer):
    from violeta.alerts.tests.factories import mia_account
    from violeta.cases.tests.factories import CaseFactory
    from violeta.people.models import WithdrawalMeans
    from violeta.people.services import consent_record, consent_withdraw

    person = CaseFactory(opened_by=lawyer).holder
    account = mia_account()
    consent = consent_record(person=person, by=lawyer, purpose="mia_link", scope="Vincular su app MIA")
    consent_withdraw(consent=consent, by=lawyer, means=WithdrawalMeans.IN_PERSON)
    client.force_login(lawyer)
    response = client.post(reverse("alerts:person_link", kwargs={"pk": person.pk}), {"phone": account.phone})
    assert response.status_code == 200
    assert "retiró el consentimiento" in response.content.decode()
    account.refresh_from_db()
    assert account.person is None


@pytest.mark.parametrize("how", ["confirmed by the team", "linked by the director"])
def test_a_linked_alert_is_a_line_on_her_case_timeline(client, alert_monitor, director, lawyer, how):
    """Issue 16 (journey MIA → case): once linked, the alert showed nowhere on her case file; now the case's
    history says an MIA alert was linked and how it ended, never where she was."""
    from violeta.cases.models import CaseEvent

    case = CaseFactory(opened_by=lawyer)
    alert = raise_alert()
    close = reverse("alerts:console_close", kwargs={"public_id": alert.public_id})
    if how == "confirmed by the team":
        client.force_login(alert_monitor)
        client.post(close, {"outcome": Outcome.HELPED_BY_CONTACT, "folio": case.folio})
        assert not CaseEvent.objects.filter(case=case, kind="alert").exists()  # not before the team confirms
        client.force_login(lawyer)
        review = reverse("alerts:case_link_review", kwargs={"public_id": alert.public_id})
        client.post(review, {"decision": "confirm"})
    else:
        client.force_login(director)
        client.post(close, {"outcome": Outcome.HELPED_BY_CONTACT, "folio": case.folio})
    event = CaseEvent.objects.get(case=case, kind="alert")
    assert "Alerta MIA" in event.description and "La ayudó un contacto" in event.description
    client.force_login(lawyer)
    page = client.get(reverse("cases:detail", kwargs={"folio": case.folio})).content.decode()
    assert event.description in page
