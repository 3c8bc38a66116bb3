"""The demo data's shared context: what every app's ``demo.load(demo)`` receives (``manage.py demo_data``).

Each app builds its own demo data in ``violeta/<app>/demo.py``, in one function, ``load(demo: Demo) -> None``,
through its services, so the audit log, the consents and the timelines are the ones the application itself
writes. ``violeta/demo/loader.py`` calls them in order, bottom layer first, in one transaction.

``Demo`` holds only what is generic: the day the demo is built and the end of its period, the seeded random
source and Faker (es_MX), the registry where an app leaves what a later app needs (``demo["cases.clock"]``,
keys ``"<app>.<name>"``), the tallies the command prints, its output, and the published password and e-mail
domain of the demo accounts. Nothing here knows a domain model: ``core`` imports no app.

Deterministic: the random source and Faker are seeded, so every run builds the same data (only what is
placed relative to the day it is built, such as the coming week's appointments, moves with that day).
"""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from faker import Faker

DEMO_DOMAIN = "violeta.demo"
# Published on purpose (README, `make run`): it only ever protects demo accounts, which refuse production.
DEMO_PASSWORD = "violeta-demo-2026"  # noqa: S105
DEMO_URL = "http://127.0.0.1:8000/"
SEED = 2026
TZ = ZoneInfo("America/Chihuahua")
# The end of the demo period: nothing is dated after it, so the data is the same whatever day it is built.
LAST_MOMENT_DAY = date(2026, 11, 20)


def _silent(_line: str) -> None:
    return None


@dataclass
class Demo:
    """The context of one demo build, passed to every app's ``load``; see the module's docstring."""

    rng: random.Random
    fake: Faker
    today: date
    now: datetime
    last_moment: datetime  # the last moment anything is dated: the period's end, or yesterday if sooner
    write: Callable[[str], None] = _silent  # the command's output (progress lines, verbosity 2)
    password: str = DEMO_PASSWORD
    domain: str = DEMO_DOMAIN
    tz: ZoneInfo = TZ
    counts: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    objects: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, *, seed: int = SEED, write: Callable[[str], None] = _silent) -> "Demo":
        fake = Faker("es_MX")
        fake.seed_instance(seed)
        now = timezone.now()
        return cls(
            rng=random.Random(seed),  # noqa: S311 - seeded on purpose: the same demo data every time, no secret
            fake=fake,
            today=timezone.localdate(),
            now=now,
            last_moment=min(datetime.combine(LAST_MOMENT_DAY, time(15), tzinfo=TZ), now - timedelta(days=1)),
            write=write,
        )

    # -- the registry: what an earlier app built, by key, for the apps loaded after it

    def __getitem__(self, key: str) -> Any:
        try:
            return self.objects[key]
        except KeyError:
            raise KeyError(
                f"{key!r} is not in the demo registry: is its app loaded before this one?"
            ) from None

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self.objects:
            raise KeyError(f"{key!r} is already in the demo registry")
        self.objects[key] = value

    def __contains__(self, key: str) -> bool:
        return key in self.objects

    # -- generic helpers, all drawing from the seeded random source

    def email(self, local: str) -> str:
        """A demo account's address (``abogada`` -> ``abogada@violeta.demo``)."""
        return f"{local}@{self.domain}"

    def weighted(self, options):
        """One value of ``[(value, weight), ...]``."""
        values, weights = zip(*options, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def business_moment(self, day: date) -> datetime:
        """A moment of office hours (Monday to Friday, 9:00 to 14:30) on that day or the next working day."""
        while day.weekday() >= 5:
            day += timedelta(days=1)
        minutes = self.rng.randrange(9 * 60, 14 * 60 + 30, 10)
        return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.tz)

    def random_day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def phone(self) -> str:
        """A Chihuahua landline or mobile number as staff type it (``614 555 0123``)."""
        return f"614 {self.rng.randrange(100, 1000)} {self.rng.randrange(10000):04d}"
