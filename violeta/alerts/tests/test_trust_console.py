"""The console side of alerts she can trust (issue 21, items 5 and 6): every message's channel and state, test
alerts marked and never above a real one, and the monitors' map over the SVG trail that stays."""

import json
import re
import secrets

import pytest
from django.urls import reverse

from violeta.alerts.services.alerts import alert_locate, alert_raise
from violeta.alerts.tests.test_views import (
    _mia_settings,  # noqa: F401 (autouse fixture)
    make_account,
    raise_alert,
    run_worker,
)
from violeta.messaging.models import Channel, Message, MessageStatus

pytestmark = pytest.mark.django_db
TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"


def _detail(client, alert):
    return client.get(reverse("alerts:console_detail", kwargs={"public_id": alert.public_id}))


def test_the_timeline_line_says_the_channel_and_state_of_each_message(client, alert_monitor):
    alert = raise_alert()
    run_worker()
    _sms, whatsapp = Message.objects.order_by("id")
    Message.objects.filter(pk=whatsapp.pk).update(channel=Channel.WHATSAPP, status=MessageStatus.READ)
    client.force_login(alert_monitor)
    html = _detail(client, alert).content.decode()
    lines = re.findall(r'data-testid="message-line" data-channel="(\w+)">([^<]*)<', html)
    assert sorted(channel for channel, _text in lines) == ["sms", "whatsapp"]
    assert any(text.startswith("WhatsApp") for _c, text in lines)
    assert any(text.startswith("SMS") for _c, text in lines)
    states = re.findall(r'data-testid="message-state" data-state="(\w+)">([^<]*)<', html)
    assert ("sent", "Enviado") in states and ("read", "Leído") in states
    # The recipients card: each contact's latest message, its channel and state.
    card = html.split('data-testid="recipients"')[1].split("</ul>")[0]
    assert card.count('data-testid="recipient-message"') == 2
    assert "WhatsApp" in card and 'data-state="read"' in card and 'data-state="sent"' in card


def test_a_test_alert_is_marked_in_the_console_and_never_above_a_real_one(client, alert_monitor):
    account = make_account()
    real, _created = alert_raise(account=account, client_id=secrets.token_hex(8))
    test, _created = alert_raise(account=account, client_id=secrets.token_hex(8), test=True)
    assert test.started_at > real.started_at  # the newest, yet below the real one
    client.force_login(alert_monitor)
    html = client.get(reverse("alerts:console")).content.decode()
    rows = re.findall(r'data-alert="([0-9a-f-]+)"( data-test-alert)?', html)
    assert rows == [(str(real.public_id), ""), (str(test.public_id), " data-test-alert")]
    assert html.count('data-testid="test-badge">PRUEBA<') == 1
    page = _detail(client, test).content.decode()
    assert 'data-testid="test-badge">PRUEBA<' in page
    assert "PRUEBA" not in _detail(client, real).content.decode()


def test_the_map_has_her_trail_and_the_svg_stays(client, alert_monitor, settings):
    settings.MIA_MAP_TILES_URL = TILES
    settings.MIA_MAP_ATTRIBUTION = "© Teselas de ejemplo"
    alert = raise_alert()
    for lat in (28.63, 28.631, 28.632):
        alert_locate(alert=alert, lat=lat, lon=-106.08, accuracy=15)
    client.force_login(alert_monitor)
    response = _detail(client, alert)
    html = response.content.decode()
    trail = json.loads(
        re.search(r'<script id="alert-trail" type="application/json">(.*?)</script>', html).group(1)
    )
    assert [(p["lat"], p["lon"]) for p in trail] == [(28.63, -106.08), (28.631, -106.08), (28.632, -106.08)]
    assert 'id="console-map"' in html and f'data-tiles="{TILES}"' in html
    assert 'data-testid="plot"' in html and html.count("<circle") == 3  # the SVG trail is still drawn
    assert "alerts/console-map.js" in html and "vendor/leaflet/leaflet.js" in html
    assert "img-src 'self' data: https://*.tiles.example.org;" in response["Content-Security-Policy"]
    # Only that page lets the tiles in.
    listing = client.get(reverse("alerts:console"))
    assert "tiles.example.org" not in listing["Content-Security-Policy"]

    # Without tiles configured there is no map at all: the SVG is the drawing, the policy the site's.
    settings.MIA_MAP_TILES_URL = ""
    response = _detail(client, alert)
    html = response.content.decode()
    assert 'id="console-map"' not in html and "leaflet" not in html
    assert 'data-testid="plot"' in html
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]
