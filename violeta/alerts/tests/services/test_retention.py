"""Retention: locations are deleted once their alert's period is over."""

from datetime import timedelta

import pytest
from django.utils import timezone

from violeta.alerts.models import Alert, AlertLocation, AlertStatus
from violeta.alerts.services.alerts import alert_locate, alert_raise
from violeta.alerts.services.retention import locations_purge

pytestmark = pytest.mark.django_db


def test_purge_deletes_only_locations_past_their_retention(account):
    now = timezone.now()
    expired, _created = alert_raise(account=account, client_id="press-expired")
    kept, _created = alert_raise(account=account, client_id="press-kept")
    active, _created = alert_raise(account=account, client_id="press-active")
    for each in (expired, kept, active):
        alert_locate(alert=each, lat=28.6, lon=-106.1, accuracy=10)
        alert_locate(alert=each, lat=28.7, lon=-106.2, accuracy=10)
    Alert.objects.filter(pk__in=[expired.pk, kept.pk]).update(status=AlertStatus.CLOSED, ended_at=now)
    Alert.objects.filter(pk=expired.pk).update(purge_after=now - timedelta(minutes=1))
    Alert.objects.filter(pk=kept.pk).update(purge_after=now + timedelta(days=1))

    assert locations_purge() == 2

    assert not AlertLocation.objects.filter(alert=expired).exists()
    assert AlertLocation.objects.filter(alert=kept).count() == 2
    assert AlertLocation.objects.filter(alert=active).count() == 2
    assert Alert.objects.filter(pk=expired.pk).exists()  # the alert itself stays, without where she was
    assert locations_purge(now=now + timedelta(days=2)) == 2
    assert AlertLocation.objects.filter(alert=active).count() == 2
