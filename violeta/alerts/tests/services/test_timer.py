""" "Acompáñame": the server owns the deadline (the sweep fires it with no browser and no request), it does not
fire early, it fires once, its alert's first messages are queued at once, the PINs end it (the duress PIN with a
duress alert behind the same answer), and the followers' message carries only her chosen name and the link."""

import io
import json
import re
import threading
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from violeta.alerts.models import (
    Alert,
    AlertEvent,
    AlertLocation,
    TimerFollower,
    TimerPosition,
    TripTimer,
    TripTimerStatus,
)
from violeta.alerts.services import timer as timer_services
from violeta.alerts.services.retention import locations_purge
from violeta.alerts.services.timer import timer_end, timer_locate, timer_start, timer_sweep
from violeta.alerts.tests.factories import mia_account
from violeta.core import periodic
from violeta.core.tokens import token_hash
from violeta.messaging.models import Message, MessageKind
from violeta.people.tests.factories import PersonFactory
from violeta.privacy.export import build_export

pytestmark = pytest.mark.django_db

TEN_MINUTES = 10 * 60


def start(account, *, seconds=TEN_MINUTES, followers=(), client_id="trip-0001"):
    timer, _created = timer_start(
        account=account, client_id=client_id, seconds=seconds, followers=list(followers)
    )
    return timer


def past_deadline(timer, seconds=1):
    """As when the deadline has passed: moved back, not waited for."""
    TripTimer.objects.filter(pk=timer.pk).update(
        deadline=timezone.now() - timedelta(seconds=seconds),
        started_at=timezone.now() - timedelta(seconds=seconds + TEN_MINUTES),
    )


def test_the_sweep_is_registered_as_a_safety_net_every_second():
    job = periodic.JOBS["alerts.timers"]
    assert job.func is timer_sweep and job.every_seconds == 1 and job.safety_net


def test_the_sweep_fires_a_timer_past_its_deadline_with_no_request_at_all(account):
    timer = start(account)
    past_deadline(timer)
    assert timer_sweep() == 1  # no browser, no request: only the server's clock
    timer.refresh_from_db()
    alert = Alert.objects.get()
    assert timer.status == TripTimerStatus.EXPIRED and timer.alert == alert and timer.ended_at
    assert alert.client_id == f"timer-{timer.public_id}" and alert.is_active and not alert.is_duress
    event = AlertEvent.objects.get(alert=alert)
    assert event.kind == "timer" and event.detail


def test_the_alerts_first_messages_are_queued_by_the_sweep_before_any_location(account):
    timer = start(account)
    past_deadline(timer)
    timer_sweep()
    alert = Alert.objects.get()
    messages = Message.objects.filter(kind=MessageKind.ALERT, alert_link__alert=alert)
    assert sorted(messages.values_list("to_phone", flat=True)) == sorted(
        account.contacts.values_list("phone", flat=True)
    )
    assert not AlertLocation.objects.exists()
    assert all("Lupita" in m.body and re.search(r"/a/[\w-]+/", m.body) for m in messages)


def test_it_does_not_fire_before_its_deadline(account):
    timer = start(account)
    assert timer_sweep() == 0
    assert timer_sweep(now=timer.deadline - timedelta(seconds=1)) == 0
    timer.refresh_from_db()
    assert timer.status == TripTimerStatus.ACTIVE and not Alert.objects.exists()
    assert timer_sweep(now=timer.deadline) == 1


def test_two_sweeps_make_one_alert(account):
    timer = start(account)
    past_deadline(timer)
    assert timer_sweep() == 1
    assert timer_sweep() == 0
    assert Alert.objects.count() == 1
    assert Message.objects.filter(kind=MessageKind.ALERT).count() == 2


def test_her_pin_ends_it_and_it_never_fires(account):
    timer = start(account)
    timer_end(timer=timer, pin="1234")
    timer.refresh_from_db()
    assert timer.status == TripTimerStatus.ENDED and timer.ended_at and timer.purge_after
    past_deadline(timer)
    assert timer_sweep() == 0 and not Alert.objects.exists()


def test_a_wrong_pin_is_counted_and_the_timer_keeps_running(account):
    timer = start(account)
    with pytest.raises(ValidationError) as excinfo:
        timer_end(timer=timer, pin="0000")
    assert excinfo.value.error_dict["pin"][0].messages
    account.refresh_from_db()
    timer.refresh_from_db()
    assert account.pin_failures == 1 and timer.is_active


def test_after_too_many_wrong_pins_even_the_right_one_does_not_end_it(account, settings):
    timer = start(account)
    for _attempt in range(settings.MIA["PIN_MAX_FAILURES"]):
        with pytest.raises(ValidationError):
            timer_end(timer=timer, pin="0000")
    with pytest.raises(ValidationError) as excinfo:
        timer_end(timer=timer, pin="1234")
    assert excinfo.value.error_dict["pin"][0].code == "pin_locked"
    timer.refresh_from_db()
    assert timer.is_active


def test_the_duress_pin_answers_like_hers_but_raises_a_duress_alert_and_escalates_it(account):
    ended = timer_end(timer=start(account, client_id="trip-real"), pin="1234")
    duress = timer_end(timer=start(account, client_id="trip-duress"), pin="9999")
    assert type(ended) is type(duress)  # the API answers "ended" for both (test_api_timer)
    duress.refresh_from_db()
    assert duress.status == TripTimerStatus.DURESS and duress.alert is not None
    alert = duress.alert
    assert alert.is_active and alert.is_duress
    assert alert.escalated_at is not None and alert.escalation_reason == "duress"
    assert Message.objects.filter(kind=MessageKind.ALERT, alert_link__alert=alert).count() == 2
    assert AlertEvent.objects.filter(alert=alert, kind="timer").exists()
    # and it does not fire again when its deadline passes
    past_deadline(duress)
    assert timer_sweep() == 0 and Alert.objects.count() == 1


def test_followers_get_one_message_with_only_her_chosen_name_and_the_link(account):
    chosen = account.contacts.first()
    timer = start(account, followers=[chosen.pk])
    messages = Message.objects.filter(kind=MessageKind.TIMER)
    assert [m.to_phone for m in messages] == [chosen.phone]
    body = messages.get().body
    link = re.search(r"https?://\S+/acompaname/([\w-]+)/", body)
    assert link, body
    rest = body.replace(link.group(0), "").replace("Lupita", "")
    assert not re.search(r"\d", rest), body  # no number, no time, no place: only her name and the link
    assert chosen.name not in body and account.phone[-4:] not in rest
    follower = TimerFollower.objects.get(timer=timer)
    assert follower.token_hash == token_hash(link.group(1)) and follower.message == messages.get()


def test_start_is_validated(account, settings):
    with pytest.raises(ValidationError) as excinfo:
        start(account, seconds=settings.MIA["TIMER_MIN_MINUTES"] * 60 - 1)
    assert excinfo.value.code == "duration"
    with pytest.raises(ValidationError) as excinfo:
        start(account, seconds=settings.MIA["TIMER_MAX_MINUTES"] * 60 + 1)
    assert excinfo.value.code == "duration"
    other = mia_account()
    with pytest.raises(ValidationError) as excinfo:
        start(account, followers=[other.contacts.first().pk])
    assert excinfo.value.code == "followers"
    assert not TripTimer.objects.exists() and not Message.objects.filter(kind=MessageKind.TIMER).exists()


def test_one_timer_at_a_time_and_the_same_start_retried_is_the_same_timer(account):
    first = start(account)
    again, created = timer_start(account=account, client_id="trip-0001", seconds=TEN_MINUTES, followers=[])
    assert again == first and not created
    with pytest.raises(ValidationError) as excinfo:
        start(account, client_id="trip-0002")
    assert excinfo.value.code == "timer_active"


def test_positions_are_encrypted_and_end_with_the_timer_and_are_purged_with_the_retention(account, settings):
    timer = start(account)
    timer_locate(timer=timer, lat=28.6353, lon=-106.0889, accuracy=15)
    raw = connection.cursor()
    raw.execute("SELECT coordinates FROM alerts_timerposition")
    assert "28.63" not in raw.fetchone()[0]
    assert TimerPosition.objects.get().lat_lon == (28.6353, -106.0889)
    timer_end(timer=timer, pin="1234")
    with pytest.raises(ValidationError) as excinfo:
        timer_locate(timer=timer, lat=28.6, lon=-106.0, accuracy=15)
    assert excinfo.value.code == "timer_ended"
    timer.refresh_from_db()
    assert locations_purge(now=timer.purge_after - timedelta(seconds=1)) == 0
    assert locations_purge(now=timer.purge_after) == 1
    assert not TimerPosition.objects.exists()


def test_after_the_duress_pin_her_positions_go_to_the_alert(account):
    timer = start(account)
    timer_end(timer=timer, pin="9999")
    timer_locate(timer=timer, lat=28.6353, lon=-106.0889, accuracy=15)
    timer.refresh_from_db()
    assert AlertLocation.objects.get().alert == timer.alert


def test_the_current_timer_is_the_running_one_then_the_one_whose_alert_is_active(account):
    assert timer_services.timer_current(account) is None
    timer = start(account)
    assert timer_services.timer_current(account) == timer
    past_deadline(timer)
    timer_sweep()
    assert timer_services.timer_current(account) == timer
    duress_account = mia_account()
    timer_end(timer=start(duress_account), pin="9999")
    assert timer_services.timer_current(duress_account) is None  # reads as ended


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_make_one_alert(settings):
    """Two sweeps at the same instant (two senders, or the sender and messaging_check): one alert."""
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED and concurrent transactions: PostgreSQL")
    accounts = [mia_account(display_name=f"Viaje {n}") for n in range(5)]
    timers = [start(a, client_id=f"trip-concurrent-{n}") for n, a in enumerate(accounts)]
    for timer in timers:
        past_deadline(timer)
    barrier = threading.Barrier(2)
    fired = []

    def sweep():
        try:
            barrier.wait()
            fired.append(timer_sweep())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(fired) == 5
    assert Alert.objects.count() == 5
    assert Message.objects.filter(kind=MessageKind.ALERT).count() == 10
    assert set(TripTimer.objects.values_list("status", flat=True)) == {TripTimerStatus.EXPIRED}


def test_her_trips_and_their_positions_are_in_her_data_export(director):
    person = PersonFactory()
    account = mia_account(display_name="Lupita", person=person)
    timer = start(account, followers=[account.contacts.first().pk])
    timer_locate(timer=timer, lat=28.6353, lon=-106.0889, accuracy=15)
    content, _counts = build_export(person, generated_by=director)
    data = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("datos.json"))
    sections = data["secciones"]
    for label in ("alerts.triptimer", "alerts.timerfollower", "alerts.timerposition"):
        assert sections.get(label, {}).get("registros"), f"{label} missing from her export"
    text = json.dumps(sections["alerts.timerposition"], ensure_ascii=False)
    assert "28.635300,-106.088900" in text  # decrypted, hers to read
    assert "token_hash" not in json.dumps(sections["alerts.timerfollower"])
