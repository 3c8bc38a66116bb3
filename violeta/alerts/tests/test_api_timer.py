""" "Acompáñame" through the API and the follow page: start, resume (current), positions, end with her PIN and
with the duress PIN (the same answer), the expired timer leading the app to its alert, and what a follower
sees while the timer runs, once it has ended and once it has raised the alert."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.alerts.models import Alert, TripTimer, TripTimerStatus
from violeta.alerts.services.timer import timer_sweep
from violeta.alerts.tests.factories import mia_account
from violeta.core.tokens import token_hash
from violeta.messaging.models import Message, MessageKind

pytestmark = pytest.mark.django_db

API = "/api/v1/mia"


@pytest.fixture
def her():
    account = mia_account(display_name="Lupita", contacts=2)
    raw = "token-de-prueba-timer"
    account.devices.create(token_hash=token_hash(raw))
    account.raw_token = raw
    return account


def call(client, account, method, path, data=None):
    kwargs = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {account.raw_token}"}
    if data is not None:
        kwargs["data"] = data
    return getattr(client, method)(API + path, **kwargs)


def start(client, her, *, seconds=600, followers=()):
    body = {"client_id": str(uuid.uuid4()), "seconds": seconds, "followers": list(followers)}
    return call(client, her, "post", "/timers", body)


def test_start_then_current_resumes_it_with_the_servers_deadline(client, her):
    chosen = her.contacts.first()
    response = start(client, her, followers=[chosen.pk])
    assert response.status_code == 201, response.content
    started = response.json()
    assert started["status"] == "active" and started["followers"] == [chosen.name]
    response = call(client, her, "get", "/timers/current")
    assert response.status_code == 200
    current = response.json()
    assert current["id"] == started["id"] and current["deadline"] == started["deadline"]
    assert "server_time" in current and current["alert"] is None


def test_no_timer_is_204(client, her):
    assert call(client, her, "get", "/timers/current").status_code == 204


def test_a_refused_start_answers_in_spanish_with_its_code(client, her):
    response = start(client, her, seconds=30)
    assert response.status_code == 400 and response.json()["code"] == "duration"
    assert "minutos" in response.json()["detail"]
    assert start(client, her).status_code == 201
    response = start(client, her)
    assert response.status_code == 400 and response.json()["code"] == "timer_active"


def test_the_expired_timer_leads_the_app_to_its_active_alert(client, her):
    timer_id = start(client, her).json()["id"]
    TripTimer.objects.update(deadline=timezone.now() - timedelta(seconds=1))
    timer_sweep()
    current = call(client, her, "get", "/timers/current").json()
    alert = Alert.objects.get()
    assert current["id"] == timer_id and current["status"] == "expired"
    assert current["alert"]["id"] == str(alert.public_id) and current["alert"]["status"] == "active"


def test_end_answers_the_same_for_her_pin_and_the_duress_pin(client, her):
    timer_id = start(client, her).json()["id"]
    real = call(client, her, "post", f"/timers/{timer_id}/end", {"pin": "1234"})
    timer_id = start(client, her).json()["id"]
    duress = call(client, her, "post", f"/timers/{timer_id}/end", {"pin": "9999"})
    assert real.status_code == duress.status_code == 200
    assert real.content == duress.content == b'{"status": "ended"}'
    # the app finds no timer in either case, while the duress alert is active, escalated, flagged
    assert call(client, her, "get", "/timers/current").status_code == 204
    alert = Alert.objects.get()
    assert alert.is_active and alert.is_duress and alert.escalation_reason == "duress"
    assert TripTimer.objects.get(public_id=timer_id).status == TripTimerStatus.DURESS


def test_a_wrong_pin_is_refused_and_counted(client, her):
    timer_id = start(client, her).json()["id"]
    response = call(client, her, "post", f"/timers/{timer_id}/end", {"pin": "0000"})
    assert response.status_code == 400 and response.json()["code"] == "pin"
    her.refresh_from_db()
    assert her.pin_failures == 1


def test_positions_while_it_runs_then_refused_once_ended(client, her):
    timer_id = start(client, her).json()["id"]
    fix = {"lat": 28.6353, "lon": -106.0889, "accuracy": 12}
    assert call(client, her, "post", f"/timers/{timer_id}/positions", fix).status_code == 201
    call(client, her, "post", f"/timers/{timer_id}/end", {"pin": "1234"})
    response = call(client, her, "post", f"/timers/{timer_id}/positions", fix)
    assert response.status_code == 400 and response.json()["code"] == "timer_ended"


def test_another_womans_timer_is_404(client, her):
    other = mia_account()
    other.devices.create(token_hash=token_hash("otra-de-prueba"))
    other.raw_token = "otra-de-prueba"
    timer_id = start(client, her).json()["id"]
    assert call(client, other, "post", f"/timers/{timer_id}/end", {"pin": "1234"}).status_code == 404


# --- The follow page ----------------------------------------------------------------------------------------


def follow_token(her, client, **positions):
    chosen = her.contacts.first()
    start(client, her, followers=[chosen.pk])
    body = Message.objects.get(kind=MessageKind.TIMER).body
    return re.search(r"/acompaname/([\w-]+)/", body).group(1)


def test_the_follow_page_shows_her_name_position_and_time_left_never_cached(client, her):
    token = follow_token(her, client)
    timer_id = TripTimer.objects.get().public_id
    call(
        client,
        her,
        "post",
        f"/timers/{timer_id}/positions",
        {"lat": 28.6353, "lon": -106.0889, "accuracy": 12},
    )
    response = client.get(reverse("alerts:timer_follow", kwargs={"token": token}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lupita" in html and "28.63530, -106.08890" in html
    assert 'data-testid="plot"' in html and 'data-testid="time-left"' in html
    assert re.search(r"\b(9|10) min\b", html)
    assert her.phone[-4:] not in html
    assert response["Cache-Control"] == "no-store" and "noindex" in response["X-Robots-Tag"]
    assert reverse("alerts:timer_follow", kwargs={"token": "otro-token-cualquiera"})
    assert client.get(reverse("alerts:timer_follow", kwargs={"token": "otro"})).status_code == 404


def test_the_follow_page_stops_when_the_timer_ends_and_hides_her_position(client, her):
    token = follow_token(her, client)
    timer = TripTimer.objects.get()
    call(
        client,
        her,
        "post",
        f"/timers/{timer.public_id}/positions",
        {"lat": 28.6353, "lon": -106.0889, "accuracy": 12},
    )
    call(client, her, "post", f"/timers/{timer.public_id}/end", {"pin": "1234"})
    url = reverse("alerts:timer_follow_state", kwargs={"token": token})
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 286  # htmx stops polling
    html = response.content.decode()
    assert 'data-testid="ended"' in html and "28.63" not in html


def test_the_follow_page_says_the_alert_is_under_way_once_it_fired(client, her):
    token = follow_token(her, client)
    TripTimer.objects.update(deadline=timezone.now() - timedelta(seconds=1))
    timer_sweep()
    html = client.get(reverse("alerts:timer_follow", kwargs={"token": token})).content.decode()
    assert 'data-testid="alerted"' in html and 'data-testid="time-left"' not in html
