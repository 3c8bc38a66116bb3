"""agenda.sources: other apps' busy time reaches the agenda through the registry the agenda owns (legal's
hearings are registered from ``LegalConfig.ready``); the agenda imports none of them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from violeta.agenda import sources
from violeta.agenda.models import Appointment
from violeta.agenda.tests.factories import at, book, next_workday

pytestmark = pytest.mark.django_db


@pytest.fixture
def only(monkeypatch):
    """Replace the registered sources by the ones a test registers (restored afterwards)."""
    monkeypatch.setattr(sources, "_SOURCES", {})
    return sources.register


def test_legal_registers_its_hearings_as_a_source():
    source = sources._SOURCES["legal.hearings"]
    assert source.entries.__module__ == "violeta.legal.agenda"
    assert source.clash.__module__ == "violeta.legal.agenda"


def test_a_registered_clash_refuses_the_booking_with_its_own_message(only, receptionist, lawyer):
    day = next_workday(days=7)
    taken = (at(day, 11), at(day, 12))

    def clash(staff, starts_at, ends_at):
        if staff == lawyer and starts_at < taken[1] and ends_at > taken[0]:
            return sources.Clash(
                starts_at=taken[0], ends_at=taken[1], message="Ocupada: taller.", code="workshop"
            )
        return None

    only("test.workshop", clash=clash)
    with pytest.raises(ValidationError) as error:
        book(by=receptionist, staff=lawyer, day=day, hour=11)
    assert "Ocupada: taller." in str(error.value)
    book(by=receptionist, staff=lawyer, day=day, hour=12)
    assert Appointment.objects.count() == 1


def test_with_no_source_the_agenda_shows_and_checks_appointments_only(only, client, receptionist, lawyer):
    day = next_workday(days=7)
    book(by=receptionist, staff=lawyer, day=day, hour=11)
    assert sources.busy_blocks(lawyer, start=at(day, 0), end=at(day, 0) + timedelta(days=1)) == []
    client.force_login(lawyer)
    response = client.get(reverse("agenda:week") + f"?day={day:%Y-%m-%d}")
    assert response.status_code == 200


def test_the_blocks_of_every_source_are_shown_in_the_week(only, client, lawyer):
    day = next_workday(days=7)
    seen = {}

    def entries(user, *, staff_ids, area, start, end):
        seen.update(user=user, staff_ids=staff_ids, area=area)
        return [
            sources.BusyBlock(
                staff_id=lawyer.pk,
                starts_at=at(day, 9),
                ends_at=at(day, 10),
                kind="workshop",
                label="Taller de autocuidado",
                staff_name=lawyer.full_name,
            )
        ]

    only("test.workshop", entries=entries)
    client.force_login(lawyer)
    body = client.get(reverse("agenda:week") + f"?day={day:%Y-%m-%d}").content.decode()
    assert "Taller de autocuidado" in body
    assert seen["user"] == lawyer and seen["staff_ids"] == [lawyer.pk]
