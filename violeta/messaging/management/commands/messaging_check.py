"""Check the outbox from cron, every minute: ``manage.py messaging_check`` (docs/deployment.md).

Tells the monitors on duty about a stopped sender, a stuck outbox or messages that gave up
(``violeta.messaging.alarms``), and when the sender is not beating runs the safety-net jobs itself (the escalation
of silent alerts), so an alert nobody answered is still raised in the console. Prints one status line; exits 1
when unhealthy, 2 when the database cannot be reached.
"""

import sys

from django.core.management.base import BaseCommand

from violeta.messaging import alarms


class Command(BaseCommand):
    help = (
        "Check the outbox: e-mail the monitors on duty about trouble, run the escalation when the sender is "
        "not running. Exit status 1 when unhealthy, 2 when the database is unreachable."
    )

    def handle(self, *args, **options):
        state = alarms.alarms_check()
        if not state.database:
            self.stdout.write(state.summary())
            sys.exit(2)
        line = state.summary()
        if not state.sender_ok:
            ran = alarms.safety_net_run()
            line += "; safety net ran: " + (
                ", ".join(f"{name}={result}" for name, result in ran.items()) or "-"
            )
        self.stdout.write(line)
        if not state.ok:
            sys.exit(1)
