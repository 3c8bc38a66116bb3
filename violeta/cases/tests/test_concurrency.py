"""Concurrent intakes on PostgreSQL: row locks on the folio counter must give each its own number, no gaps."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from violeta.cases.models import Case, FolioCounter
from violeta.cases.services import intake_register
from violeta.people.privacy_notice import current_notice

N = 20


@pytest.mark.skipif(not settings.USING_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_get_distinct_consecutive_folios(receptionist):
    barrier = threading.Barrier(N)
    folios: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            case = intake_register(
                by=receptionist,
                person_data={
                    "given_names": f"Usuaria {i}",
                    "first_surname": "Concurrente",
                    "phone": f"614410{i:04d}",
                },
                privacy_notice_accepted=True,
                privacy_notice_sha256=current_notice().sha256,
                arrival_channel="own",
                reason=f"Primera entrevista {i}",
            )
            with lock:
                folios.append(case.folio)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not any(t.is_alive() for t in threads)
    assert errors == []
    year = timezone.localdate().year
    assert sorted(folios) == [f"IMM-{year}-{n:06d}" for n in range(1, N + 1)]
    assert Case.objects.count() == N
    assert FolioCounter.objects.get(year=year).last == N
