"""Run the outbox's sender: ``manage.py messaging_sender`` (supervised: see docs/deployment.md)."""

from django.core.management.base import BaseCommand

from violeta.messaging.sender import Sender, deliver_due


class Command(BaseCommand):
    help = "Send the outbox's text messages and run the periodic jobs, until stopped (SIGTERM)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is due now and exit.")
        parser.add_argument("--concurrency", type=int, default=None, help="Requests in flight at once.")

    def handle(self, *args, **options):
        if options["once"]:
            sent = deliver_due()
            self.stdout.write(f"{sent} message(s) handed to the provider")
            return
        sender = Sender(concurrency=options["concurrency"])
        sender.install_signal_handlers()
        sender.run()
