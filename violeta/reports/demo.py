"""Demo data for the statistics: most women consent to statistical use at their first interview, a few refuse.

Without it every figure that leaves the institute (the exports, the council report, BANAVIM) would count nobody
on the demo data. Who consents is picked from her record's id, not from the shared random stream, so loading
this last changes nothing the other apps built.
"""

import zlib

from django.db.models import Min

from violeta.cases.models import Case
from violeta.core.demo import Demo
from violeta.people.models import Consent, ConsentPurpose

CONSENT_PER_TEN = 8  # eight women in ten say yes to anonymous statistics


def load(demo: Demo) -> None:
    first_cases = Case.objects.values("holder_id").annotate(first=Min("opened_at"))
    opened_by = dict(Case.objects.order_by("-opened_at").values_list("holder_id", "opened_by_id"))
    consents = [
        Consent(
            person_id=row["holder_id"],
            purpose=ConsentPurpose.STATISTICS,
            granted=zlib.crc32(f"statistics:{row['holder_id']}".encode()) % 10 < CONSENT_PER_TEN,
            given_on=row["first"].astimezone(demo.tz).date(),
            recorded_by_id=opened_by[row["holder_id"]],
            recorded_at=row["first"],
        )
        for row in first_cases
    ]
    Consent.objects.bulk_create(consents)
    demo.counts["statistics consents"] += sum(consent.granted for consent in consents)
