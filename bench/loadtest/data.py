"""Data for bench/loadtest.py, run inside Django: who the load test signs in as, and what it asks for.

Prints one JSON object: staff by kind (the front desk, professionals with some active cases of their team,
coordinators, the director), merchants' tills, card numbers, MIA accounts with device tokens and their contacts'
phones, and names to search. It works on the demo data (``manage.py demo_data``: the demo accounts and their
password) and on a benchmark database (``bench/reports_data.py``), where it gives the staff it picks the same
password. It adds what the run needs and the database may not have (tills, cards, MIA accounts): on a database
that already has them from an earlier run, more are added beside them.

    python bench/loadtest/data.py --mia 40 --tills 8
"""

import argparse
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "violeta.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
django.setup()

from django.db.models import Count, Q  # noqa: E402

from bench.mia_data import accounts as mia_accounts  # noqa: E402
from violeta.accounts.models import Role, User  # noqa: E402
from violeta.alerts.models import MiaAccount  # noqa: E402
from violeta.card.models import Card, CardStatus  # noqa: E402
from violeta.cases.models import ACTIVE_STATUSES, Case  # noqa: E402
from violeta.core.demo import DEMO_PASSWORD  # noqa: E402
from violeta.people.models import Person  # noqa: E402

PROFESSIONAL_ROLES = (Role.LEGAL, Role.PSYCHOLOGY, Role.SOCIAL_WORK)


def _signable(users, password: str) -> list[User]:
    """The users, each able to sign in with ``password`` (a benchmark database's staff have none)."""
    for user in users:
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
    return list(users)


def _staff(role, password: str, limit: int, with_cases: bool = False) -> list[dict]:
    users = User.objects.filter(role__in=role if isinstance(role, tuple) else (role,), is_active=True)
    if with_cases:  # the professionals with the most active cases: their "Mis expedientes" has something
        active = Q(cases__status__in=ACTIVE_STATUSES, cases__is_internal_protocol=False)
        users = users.annotate(active=Count("cases", filter=active)).filter(active__gt=0).order_by("-active")
    found = []
    for user in _signable(users.order_by(*(["-active"] if with_cases else []), "pk")[:limit], password):
        entry = {"email": user.email}
        if with_cases:
            cases = Case.objects.filter(team=user, status__in=ACTIVE_STATUSES, is_internal_protocol=False)
            entry["folios"] = list(cases.order_by("-pk").values_list("folio", flat=True)[:20])
        found.append(entry)
    return found


def _tills(n: int, cards: int, password: str) -> tuple[list[str], list[str]]:
    """Merchants' tills that sign in, and active card numbers to validate (made by bench/card_data.py when the
    database has too few)."""
    tills = User.objects.filter(role=Role.MERCHANT, is_active=True, merchant_account__isnull=False)
    numbers = Card.objects.filter(status=CardStatus.ACTIVE).values_list("number", flat=True)
    missing_tills, missing_cards = max(0, n - tills.count()), max(0, cards - numbers.count())
    if missing_tills or missing_cards:
        from bench.card_data import build

        build(missing_cards, missing_tills)
    return [u.email for u in _signable(tills.order_by("pk")[:n], password)], list(numbers[:cards])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mia", type=int, default=40, help="MIA accounts (each raises its own alerts)")
    parser.add_argument("--contacts", type=int, default=2)
    parser.add_argument("--tills", type=int, default=8)
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--staff", type=int, default=6, help="at most this many accounts of each kind")
    args = parser.parse_args()

    first = MiaAccount.objects.count()  # after any earlier run's accounts (phones follow from the number)
    tokens = mia_accounts(args.mia, args.contacts, first=first)
    mia = [
        {
            "token": token,
            "pin": "1234",
            "contacts": [f"+52614{5000000 + (first + i) * 10 + j:07d}" for j in range(args.contacts)],
        }
        for i, token in enumerate(tokens)
    ]
    tills, numbers = _tills(args.tills, args.cards, DEMO_PASSWORD)
    names = list(
        Person.objects.exclude(first_surname="").order_by("-pk").values_list("first_surname", flat=True)[:50]
    )
    print(
        json.dumps(
            {
                "password": DEMO_PASSWORD,
                "reception": _staff(Role.RECEPTION, DEMO_PASSWORD, args.staff),
                "professionals": _staff(PROFESSIONAL_ROLES, DEMO_PASSWORD, args.staff, with_cases=True),
                "coordinators": _staff(Role.COORDINATOR, DEMO_PASSWORD, args.staff),
                "director": _staff(Role.DIRECTOR, DEMO_PASSWORD, 1),
                "tills": tills,
                "cards": numbers,
                "mia": mia,
                "names": sorted(set(names)),
            }
        )
    )


if __name__ == "__main__":
    main()
