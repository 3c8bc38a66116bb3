"""The demo data's loader: every app's ``demo.load(demo)``, bottom layer first, in one transaction.

The order is the layering's (docs/architecture.md): an app's demo may use what the apps below it left in the
registry (``demo["accounts.users"]``, ``demo["cases.clock"]``...), never what an app above it builds. All
loaders draw from the one seeded random source in this order, so moving one changes the data of those after
it. A new app with demo data adds its ``demo.py`` (``def load(demo: Demo) -> None``) to ``LOADERS`` at its
layer.
"""

import time

from django.db import transaction

from violeta.accounts import demo as accounts
from violeta.agenda import demo as agenda
from violeta.alerts import demo as alerts
from violeta.card import demo as card
from violeta.cases import demo as cases
from violeta.core.demo import SEED, Demo
from violeta.documents import demo as documents
from violeta.legal import demo as legal
from violeta.people import demo as people
from violeta.privacy import demo as privacy
from violeta.programs import demo as programs
from violeta.psychology import demo as psychology
from violeta.referrals import demo as referrals
from violeta.socialwork import demo as socialwork
from violeta.violence import demo as violence

LOADERS = (
    ("accounts", accounts.load),
    ("people", people.load),
    ("cases", cases.load),
    ("psychology", psychology.load),
    ("socialwork", socialwork.load),
    ("violence", violence.load),
    ("agenda", agenda.load),
    ("legal", legal.load),
    ("documents", documents.load),
    ("referrals", referrals.load),
    ("alerts", alerts.load),
    ("card", card.load),
    ("programs", programs.load),
    ("privacy", privacy.load),
)


def demo_exists() -> bool:
    """The demo was loaded already (its accounts exist)."""
    return accounts.demo_exists()


def logins() -> list[tuple[str, str, str]]:
    """(role in Spanish, e-mail, password) of every demo account."""
    return accounts.logins()


@transaction.atomic
def load_all(*, seed: int = SEED, write=None) -> Demo:
    """Build the whole demo; returns its context, whose ``counts`` the command reports."""
    demo = Demo.create(seed=seed, **({"write": write} if write else {}))
    for label, load in LOADERS:
        started = time.monotonic()
        load(demo)
        demo.write(f"{label}: {time.monotonic() - started:.1f} s")
    return demo
