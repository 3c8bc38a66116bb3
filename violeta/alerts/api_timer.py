""" "Acompáñame" in the MIA JSON API, at /api/v1/mia/timers: start a trip timer, resume it after a reload, share
positions while it runs, end it with her PIN. Device-token auth, errors and idempotency as in ``alerts.api``.

The server owns the deadline: the app shows a countdown computed from ``deadline`` and ``server_time``; when
it runs out the server raises the alert by itself, and ``current`` then answers with that alert for the app to
show. Ending with the duress PIN answers exactly as ending with her PIN (``ended``), and ``current`` stops
answering with that timer, while a duress alert goes to her contacts and the console.
"""

import uuid
from datetime import datetime
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from violeta.alerts.api import (
    RETRY_ERRORS,
    AlertOut,
    CancelIn,
    DeviceToken,
    Error,
    LocationIn,
    LocationOut,
    _alert_out,
)
from violeta.alerts.models import TripTimer, TripTimerStatus
from violeta.alerts.services import timer as timer_services
from violeta.core.idempotency import idempotent
from violeta.core.schemas import Integer

router = Router(tags=["mia"], auth=DeviceToken())


class TimerIn(Schema):
    client_id: str = Field(
        min_length=8, max_length=64, description="Idempotency key made by the app (a UUID)"
    )
    seconds: Integer = Field(description="How long: between TIMER_MIN_MINUTES and TIMER_MAX_MINUTES")
    followers: list[Integer] = Field(
        default_factory=list, max_length=10, description="Ids of her contacts who may follow her trip"
    )


class TimerOut(Schema):
    id: uuid.UUID
    status: Literal["active", "ended", "expired"] = Field(description="A duress ending reads ``ended``")
    started_at: datetime
    deadline: datetime = Field(description="When the alert is raised if she has not ended the timer")
    server_time: datetime = Field(description="The server's clock: the countdown is deadline − server_time")
    followers: list[str] = Field(description="The names of the contacts who follow her trip")
    alert: AlertOut | None = Field(None, description="The alert it raised when it ran out (status expired)")


class EndOut(Schema):
    status: Literal["ended"]


def _timer_out(timer: TripTimer) -> TimerOut:
    return TimerOut(
        id=timer.public_id,
        status=TripTimerStatus.ENDED if timer.status == TripTimerStatus.DURESS else timer.status,
        started_at=timer.started_at,
        deadline=timer.deadline,
        server_time=timezone.now(),
        followers=[f.contact.name for f in timer.followers.select_related("contact").order_by("id")],
        alert=_alert_out(timer.alert) if timer.status == TripTimerStatus.EXPIRED and timer.alert else None,
    )


def _own_timer(request, timer_id: uuid.UUID) -> TripTimer:
    timer = TripTimer.objects.filter(account=request.auth, public_id=timer_id).first()
    if timer is None:
        raise Http404
    return timer


@router.post(
    "/timers",
    response={200: TimerOut, 201: TimerOut, 400: Error, 401: Error},
    summary="Start a trip timer",
    url_name="mia_timer_start",
)
def timer_start(request, payload: TimerIn):
    """Starts "Acompáñame". Each follower gets one message with her chosen name and a link to follow her.
    Idempotent by ``client_id`` (200 with the same timer). One at a time (code ``timer_active``)."""
    timer, created = timer_services.timer_start(
        account=request.auth,
        client_id=payload.client_id,
        seconds=payload.seconds,
        followers=payload.followers,
    )
    return Status(201 if created else 200, _timer_out(timer))


@router.get(
    "/timers/current",
    response={200: TimerOut, 204: None, 401: Error},
    summary="Her running timer",
    url_name="mia_timer_current",
)
def timer_current(request):
    """Her running timer (for the app to resume after a reload), or the one that ran out while its alert is
    active (``status`` expired, with ``alert``); 204 when there is none."""
    timer = timer_services.timer_current(request.auth)
    if timer is None:
        return Status(204, None)
    return _timer_out(timer)


@router.post(
    "/timers/{timer_id}/positions",
    response={201: LocationOut, 400: Error, 401: Error, 404: Error, **RETRY_ERRORS},
    summary="Share a position during the trip",
    url_name="mia_timer_locate",
)
@idempotent
def timer_locate(request, timer_id: uuid.UUID, payload: LocationIn):
    """A fix from the phone, for her followers. An ended timer answers 400 (code ``timer_ended``)."""
    position = timer_services.timer_locate(
        timer=_own_timer(request, timer_id),
        lat=payload.lat,
        lon=payload.lon,
        accuracy=payload.accuracy,
        captured_at=payload.captured_at,
    )
    return Status(201, LocationOut(captured_at=position.captured_at, accuracy=position.accuracy_m))


@router.post(
    "/timers/{timer_id}/end",
    response={200: EndOut, 400: Error, 401: Error, 404: Error, 429: Error},
    summary="End the timer with her PIN",
    url_name="mia_timer_end",
)
def timer_end(request, timer_id: uuid.UUID, payload: CancelIn):
    """Answers ``ended`` for her PIN and her duress PIN alike. A wrong PIN is 400 (code ``pin``); after too many,
    429 (code ``pin_locked``)."""
    timer_services.timer_end(timer=_own_timer(request, timer_id), pin=payload.pin)
    return EndOut(status="ended")
