"""The agenda opens where there is something to see (issue 16, finding 7): it opened on an empty week while the
next appointments were weeks ahead."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from violeta.agenda.tests.factories import book, next_workday

pytestmark = pytest.mark.django_db


def _monday(day):
    return day - timedelta(days=day.weekday())


def test_an_empty_week_opens_on_the_week_of_her_next_appointment(client, psychologist, receptionist):
    later = next_workday(days=22)
    book(by=receptionist, staff=psychologist, day=later)
    client.force_login(psychologist)
    response = client.get(reverse("agenda:week"))
    assert response.context["monday"] == _monday(later)
    assert "No hay citas esta semana" in response.content.decode()


def test_a_chosen_day_opens_as_asked_even_when_empty(client, psychologist, receptionist):
    today = timezone.localdate()
    book(by=receptionist, staff=psychologist, day=next_workday(days=22))
    client.force_login(psychologist)
    chosen = client.get(reverse("agenda:week"), {"day": today.isoformat()})
    assert chosen.context["monday"] == _monday(today)
    assert "No hay citas esta semana" not in chosen.content.decode()


def test_with_nothing_ahead_it_opens_on_today(client, psychologist):
    client.force_login(psychologist)
    assert client.get(reverse("agenda:week")).context["monday"] == _monday(timezone.localdate())
