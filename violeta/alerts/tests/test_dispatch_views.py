"""The console's hand-off button, its state on the alert's page, and the dispatcher's live page."""

import json
import re

import pytest
from django.urls import reverse

from violeta.alerts.models import AlertDispatch
from violeta.alerts.services.alerts import alert_close, alert_locate
from violeta.alerts.tests.factories import mia_account, mia_alert
from violeta.audit.models import AuditEvent
from violeta.messaging.backends import SendResult
from violeta.messaging.models import Message, MessageKind, MessageStatus
from violeta.messaging.services import record_refused, record_sent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dispatch_on(settings):
    settings.SITE_URL = "https://violeta.example"
    settings.MIA = {
        **settings.MIA,
        "DISPATCH_CHANNEL": "webhook",
        "DISPATCH_TARGET": "https://c4.example/mia",
        "DISPATCH_SECRET": "s",
    }
    settings.MESSAGING_BACKENDS = {
        **settings.MESSAGING_BACKENDS,
        "webhook": "violeta.messaging.backends.locmem.LocmemBackend",
    }


@pytest.fixture
def alert():
    return mia_alert(mia_account(display_name="Lupita"))


def detail(client, alert):
    return client.get(reverse("alerts:console_detail", args=[alert.public_id])).content.decode()


def press(client, alert, **data):
    return client.post(reverse("alerts:console_dispatch", args=[alert.public_id]), data)


def test_the_monitor_hands_the_alert_over_once_with_one_button(client, alert_monitor, alert):
    client.force_login(alert_monitor)
    assert 'data-testid="dispatch-button"' in detail(client, alert)

    response = press(client, alert)
    assert response.status_code == 302
    dispatch = AlertDispatch.objects.get(alert=alert)
    assert dispatch.by == alert_monitor and not dispatch.automatic
    assert AuditEvent.objects.filter(actor=alert_monitor, object_type="alerts.alertdispatch").count() == 1

    page = detail(client, alert)
    assert 'data-testid="dispatch-sent"' in page and 'data-testid="dispatch-button"' not in page
    assert 'data-testid="dispatch-again"' in page and "hx-confirm" in page

    press(client, alert)  # the same button again (two tabs, a double click): nothing more is sent
    assert AlertDispatch.objects.filter(alert=alert).count() == 1
    press(client, alert, again="1")  # the confirmed "send again"
    assert AlertDispatch.objects.filter(alert=alert).count() == 2
    assert (
        AuditEvent.objects.filter(object_type="alerts.alertdispatch", detail__contains="reenvío").count() == 1
    )


def test_the_button_is_only_for_the_console(client, lawyer, alert):
    client.force_login(lawyer)
    assert press(client, alert).status_code == 404
    assert not AlertDispatch.objects.exists()


def test_the_page_says_in_one_line_when_no_channel_is_configured(settings, client, alert_monitor, alert):
    settings.MIA = {**settings.MIA, "DISPATCH_CHANNEL": "", "DISPATCH_TARGET": ""}
    client.force_login(alert_monitor)
    page = detail(client, alert)
    assert 'data-testid="dispatch-off"' in page and 'data-testid="dispatch-button"' not in page
    press(client, alert)
    assert not AlertDispatch.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "shown"),
    [("sent", "Enviado"), ("delivered", "Entregado"), ("failed", "Falló")],
)
def test_the_console_shows_the_hand_offs_delivery(client, alert_monitor, alert, outcome, shown):
    client.force_login(alert_monitor)
    press(client, alert)
    message = Message.objects.get(kind=MessageKind.DISPATCH)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, attempt=1)
    if outcome == "failed":
        record_refused(message.pk, 1, "webhook http 503: try again")
    else:
        record_sent(message.pk, 1, SendResult(provider_message_id="webhook:x", status=outcome))
    page = detail(client, alert)
    status = re.search(r'data-testid="dispatch-status">([^<]*)<', page).group(1)
    assert shown in status and "Webhook" in status


def test_the_dispatchers_link_opens_the_live_page_while_the_alert_is_active(client, alert_monitor, alert):
    alert_locate(alert=alert, lat=28.6361234, lon=-106.0771234, accuracy=12)
    client.force_login(alert_monitor)
    press(client, alert)
    link = json.loads(Message.objects.get(kind=MessageKind.DISPATCH).body)["live_url"]
    path = link.removeprefix("https://violeta.example")
    client.logout()

    page = client.get(path)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert "Lupita" in text and "28.63612" in text
    assert 'data-testid="ack"' not in text  # a dispatcher is not one of her contacts
    state = client.get(path + "estado/")
    assert state.status_code == 200 and "28.63612" in state.content.decode()

    alert_close(alert=alert, by=alert_monitor, outcome="police_attended")
    assert client.get(path).status_code == 404
    assert client.get(path + "estado/", headers={"HX-Request": "true"}).status_code == 286
