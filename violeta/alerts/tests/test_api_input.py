"""Hole 10: the MIA API's bodies are what the schema says, and a location's time is believable.

``PATCH /me`` took a JSON array as an empty change (ninja reads any object's attributes); every body must be a
JSON object. A location's ``captured_at`` could be 1900 (or next year): a fix from before the alert, or from
the future beyond clock skew, is refused with the location error and nothing is stored.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from violeta.alerts.models import AlertLocation, MiaAccount
from violeta.alerts.tests.test_api import her, raise_alert, sms_outbox, spanish  # noqa: F401
from violeta.messaging.models import Message

pytestmark = pytest.mark.django_db

NOT_AN_OBJECT = spanish("The request body must be a JSON object.")


@pytest.mark.parametrize("raw", ["[]", '[{"display_name": "Otra"}]', '"texto"', "3", "null"])
def test_patch_me_refuses_a_body_that_is_not_an_object(her, raw):  # noqa: F811
    response = her.call("patch", "/me", raw=raw)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"] == NOT_AN_OBJECT
    assert MiaAccount.objects.get().display_name == "Ana"


@pytest.mark.parametrize(
    "path, raw", [("/otp", "[]"), ("/contacts", '["Ana", "6145550101"]'), ("/alerts", '["12345678"]')]
)
def test_every_body_must_be_an_object(her, path, raw):  # noqa: F811
    response = her.post(path, raw=raw)
    assert response.status_code == 400
    assert response.json()["detail"] == NOT_AN_OBJECT


def _locate(api, alert, **extra):
    return api.post(
        f"/alerts/{alert['id']}/locations", {"lat": 28.63, "lon": -106.08, "accuracy": 20, **extra}
    )


@pytest.mark.parametrize(
    "captured_at",
    [
        "1900-01-01T00:00:00Z",
        (timezone.now() - timedelta(days=2)).isoformat(),
        (timezone.now() + timedelta(days=1)).isoformat(),
    ],
)
def test_a_location_time_outside_the_alert_is_refused(her, captured_at):  # noqa: F811
    alert = raise_alert(her)
    sms_before = Message.objects.count()
    response = _locate(her, alert, captured_at=captured_at)
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": spanish("The time of the location is not valid."),
        "code": "location",
    }
    assert not AlertLocation.objects.exists()
    assert Message.objects.count() == sms_before


def test_a_location_time_within_the_alert_or_slightly_ahead_is_kept(her):  # noqa: F811
    alert = raise_alert(her)
    taken = timezone.now() - timedelta(seconds=30)
    assert _locate(her, alert, captured_at=taken.isoformat()).status_code == 201
    assert AlertLocation.objects.get().captured_at == taken
    ahead = timezone.now() + timedelta(seconds=20)  # a phone's clock a little fast: stored as now
    response = _locate(her, alert, captured_at=ahead.isoformat())
    assert response.status_code == 201
    assert AlertLocation.objects.latest("id").captured_at <= timezone.now()


def test_a_location_time_without_a_zone_is_read_as_utc(her):  # noqa: F811
    alert = raise_alert(her)
    naive = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=10)
    response = _locate(her, alert, captured_at=naive.isoformat())
    assert response.status_code == 201, response.content
    assert AlertLocation.objects.get().captured_at == naive.replace(tzinfo=UTC)


@pytest.mark.parametrize("field, value", [("lon", True), ("lat", "28.63"), ("accuracy", False)])
def test_a_position_must_be_made_of_numbers(her, field, value):  # noqa: F811
    """Found by the schema fuzzing: ``"lon": true`` was taken as 1.0 (a position off the coast of Africa)."""
    alert = raise_alert(her)
    response = _locate(her, alert, **{field: value})
    assert response.status_code in (400, 422), response.content
    assert not AlertLocation.objects.exists()


def test_her_settings_take_whole_numbers_only(her):  # noqa: F811
    response = her.call("patch", "/me", {"countdown_seconds": "10"})
    assert response.status_code in (400, 422), response.content
    assert MiaAccount.objects.get().countdown_seconds != 10
