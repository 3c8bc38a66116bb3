"""Two receptionists book the same lawyer at the same time: exactly one booking stands.

On PostgreSQL the staff row lock (SELECT … FOR UPDATE) queues the second booking until the first commits, and it
is then refused. It needs real concurrent connections: the SQLite test database is a shared in-memory one, whose
table locks fail instead of waiting (on a SQLite file, the IMMEDIATE write transaction serialises bookings).
The CI runs the suite on PostgreSQL too, where this runs.
"""

import threading
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from violeta.agenda.models import Appointment, OfficeHours
from violeta.agenda.services import appointment_book
from violeta.agenda.tests.factories import at, next_workday

N = 4


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_staff_member_cannot_both_pass(receptionist, lawyer):
    for weekday in range(5):  # transactional tests start from empty tables: put the office hours back
        OfficeHours.objects.get_or_create(weekday=weekday, defaults={"opens": time(9), "closes": time(15)})
    start = at(next_workday(days=7), 10)
    barrier = threading.Barrier(N)
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            appointment_book(
                by=receptionist,
                staff=lawyer,
                starts_at=start + timedelta(minutes=10 * i),
                ends_at=start + timedelta(minutes=10 * i + 60),
                modality="in_person",
                contact_name=f"Usuaria {i}",
            )
            result = "booked"
        except ValidationError as exc:
            result = "refused" if "ya tiene una cita" in " ".join(exc.messages) else repr(exc)
        except BaseException as exc:  # reported by the main thread
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not any(t.is_alive() for t in threads)
    assert sorted(outcomes) == ["booked"] + ["refused"] * (N - 1)
    assert Appointment.objects.count() == 1
