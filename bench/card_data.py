"""Data for bench/card_validation.py, run inside Django: cards, a business, till accounts with sessions.

``card_data.py CARDS TILLS`` makes the rows and a session per till; ``card_data.py sessions`` makes new
sessions for the tills already there, in the session engine of the environment (the database, or Redis when
REDIS_URL is set), so one data set serves both runs.
"""

import json
import os
import sys
import time
from datetime import date, timedelta
from importlib import import_module

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "violeta.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.utils import timezone  # noqa: E402

from violeta.accounts.models import Role, User  # noqa: E402
from violeta.card import numbers  # noqa: E402
from violeta.card.models import (  # noqa: E402
    Branch,
    Card,
    CardApplication,
    Merchant,
    MerchantAccount,
    MerchantCategory,
)
from violeta.core.tokens import token_hash  # noqa: E402
from violeta.people.models import Neighborhood  # noqa: E402


def build(cards: int, tills: int) -> dict:
    """Bulk rows (this is load, not behaviour: the services are exercised by the tests). Run again on the same
    database, it adds more beside those it made before (their CURPs and till e-mails are numbered on)."""
    first_card = CardApplication.objects.filter(curp__startswith="BENCH").count()
    first_till = User.objects.filter(email__regex=r"^caja[0-9]+@bench\.test$").count()
    colonia = Neighborhood.objects.filter(municipality="Chihuahua").first()
    today = timezone.localdate()
    applications = CardApplication.objects.bulk_create(
        [
            CardApplication(
                given_names=f"Usuaria {i}",
                first_surname="Prueba",
                birth_date=date(1980, 1, 1) + timedelta(days=i % 9000),
                curp=f"BENCH{i:013d}",
                address="Calle 1",
                neighborhood=colonia,
                postal_code=colonia.postal_code,
                phone="+526140000000",
                channel="desk",
                status="delivered",
            )
            for i in range(first_card, first_card + cards)
        ],
        batch_size=1000,
    )
    cards_made = []
    for application in applications:
        card = Card(
            application=application,
            number=numbers.new_card_number(),
            valid_from=today,
            valid_until=today + timedelta(days=730),
        )
        card.verify_token_hash = token_hash(card.verify_token)  # what Card.save() fills; bulk_create does not
        card.holder_token_hash = token_hash(card.holder_token)
        cards_made.append(card)
    issued = Card.objects.bulk_create(cards_made, batch_size=1000)
    merchant = Merchant.objects.create(
        name="Comercio de prueba",
        category=MerchantCategory.objects.first(),
        discount="10%",
        agreement_start=today - timedelta(days=30),
    )
    branch = Branch.objects.create(merchant=merchant, name="Matriz", address="Calle 2", neighborhood=colonia)
    for i in range(first_till, first_till + tills):
        user = User.objects.create_user(
            f"caja{i}@bench.test", None, full_name=f"Caja {i}", role=Role.MERCHANT
        )
        MerchantAccount.objects.create(user=user, merchant=merchant, branch=branch)
    return {"numbers": [c.number for c in issued], "sessions": sessions()}


def sessions() -> list[str]:
    """A signed-in session per till account, as the sign-in leaves it (violeta.accounts.signals), just now."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for user in User.objects.filter(role=Role.MERCHANT, email__endswith="@bench.test").order_by("pk"):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["violeta_signed_in_at"] = session["violeta_last_seen"] = int(time.time())
        session.create()
        keys.append(session.session_key)
    return keys


if __name__ == "__main__":
    if sys.argv[1] == "sessions":
        print(json.dumps({"sessions": sessions()}))
    else:
        print(json.dumps(build(int(sys.argv[1]), int(sys.argv[2]))))
