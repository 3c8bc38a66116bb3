"""A small November counted by hand for the council report's tests.

Women with statistics consent: 6 new (one consultation in November each) and 3 in follow-up (one in October and
one in November). Women without it: 4 new. All consultations legal and in person.

Under the statistics rule: women attended 6 new + 3 follow-up = 9 (3 is below the threshold of 5, so it is
withheld, and 6 with it, or 9 - 6 would give it away); 9 consultations. Counting everyone it would be 10 + 3 =
13 women and 13 consultations.
"""

import datetime

from django.utils import timezone

from violeta.cases.tests.factories import CaseFactory, record_consultation
from violeta.people.models import Consent, ConsentPurpose


def at(day: int, month: int = 11) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 10))


def november(lawyer) -> None:
    def woman(*, consented: bool, earlier: bool):
        case = CaseFactory(opened_by=lawyer)
        if earlier:
            record_consultation(case, lawyer, when=at(15, 10))
        record_consultation(case, lawyer, when=at(12))
        if consented:
            Consent.objects.create(
                person=case.holder,
                purpose=ConsentPurpose.STATISTICS,
                granted=True,
                given_on=datetime.date(2026, 1, 10),
                recorded_by=lawyer,
            )

    for _ in range(6):
        woman(consented=True, earlier=False)
    for _ in range(3):
        woman(consented=True, earlier=True)
    for _ in range(4):
        woman(consented=False, earlier=False)
