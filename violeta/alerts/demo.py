"""Demo data for MIA, the alert app, for the monitoring console: three women with the app, two alerts live (one
under duress), one closed.

The accounts are made directly (sign-up needs a code read from her phone); contacts, alerts, positions,
acknowledgements and the closing go through the services, so the outbox and its tasks are real: the worker
started by `make run` prints the SMS in its terminal. The first woman's account is linked to the holder of the
oldest open case file, with her consent.
"""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from violeta.alerts.models import MiaAccount, Outcome
from violeta.alerts.services.accounts import account_link_person
from violeta.alerts.services.alerts import (
    alert_acknowledge,
    alert_cancel,
    alert_close,
    alert_locate,
    alert_raise,
)
from violeta.alerts.services.contacts import contact_add, contact_confirm
from violeta.cases.models import Case
from violeta.core.demo import Demo
from violeta.people.models import ConsentPurpose
from violeta.people.services import consent_record


def load(demo: Demo) -> None:
    users = demo["accounts.users"]
    monitor = users["monitoreo"]
    holder = Case.objects.filter(status__in=["open", "follow_up"]).order_by("opened_at").first().holder
    consent_record(
        person=holder,
        by=users["abogada"],
        purpose=ConsentPurpose.MIA_LINK,
        scope="Vincular su app MIA",
    )
    women = [("Ana", "6141230001"), ("Lupita", "6141230002"), ("Rosa", "6141230003")]
    accounts = []
    for index, (name, phone) in enumerate(women):
        account = MiaAccount.objects.create(
            phone=f"+52{phone}",
            display_name=name,
            pin_hash=make_password("1234"),
            duress_pin_hash=make_password("9999"),
        )
        for contact in range(2):
            added = contact_add(account=account, name=demo.fake.first_name_female(), phone=demo.phone())
            if contact == 0 or index == 0:
                contact_confirm(token=added.confirm_token)
        accounts.append(account)
    account_link_person(person=holder, phone=accounts[0].phone, by=users["abogada"])

    ana, lupita, rosa = accounts
    alert, _created = alert_raise(account=ana, client_id="demo-ana-0001")
    # Raised seven minutes ago: her phone's fixes since then (a fix from before the alert is refused).
    type(alert).objects.filter(pk=alert.pk).update(started_at=timezone.now() - timedelta(minutes=7))
    for step, (lat, lon) in enumerate(
        [(28.63528, -106.08889), (28.63601, -106.08712), (28.63702, -106.08575)]
    ):
        alert_locate(
            alert=alert,
            lat=lat,
            lon=lon,
            accuracy=35 - step * 10,
            captured_at=timezone.now() - timedelta(minutes=6 - step * 2),
        )
    alert_acknowledge(recipient=alert.recipients.first(), via="link")
    alert, _created = alert_raise(account=lupita, client_id="demo-lupita-0001")
    alert_locate(alert=alert, lat=28.6612, lon=-106.0401, accuracy=60)
    alert_cancel(alert=alert, pin="9999")  # the duress PIN: "cancelled" on her screen, raised here
    alert, _created = alert_raise(account=rosa, client_id="demo-rosa-0001")
    alert_close(alert=alert, by=monitor, outcome=Outcome.FALSE_ALARM, note="Se activó por error.")
    demo.counts["mia_alerts"] = 3
