"""Walk the audit log's hash chain and report any edited, deleted or truncated event.

Exit status 0 when the chain holds, 1 when it does not. After a clean check the chain's tail is appended to
AUDIT_CHECKPOINT_FILE (signed), so the next check notices a deleted tail or a truncated table. Run it daily from
cron and keep the checkpoint file (or a copy of it) away from the database server.
"""

from django.core.management.base import BaseCommand, CommandError

from violeta.audit import chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain against itself and the last checkpoint."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoint", action="store_true", help="Check only; do not append a new checkpoint."
        )

    def handle(self, *args, **options):
        report = chain.verify(write=not options["no_checkpoint"])
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"ALTERED: {problem}")
            raise CommandError(f"The audit log does not verify: {len(report.problems)} problem(s).")
        self.stdout.write(
            f"The audit log verifies: {report.count} events, the last is {report.last_seq} "
            f"({report.last_hash[:16]}…); checkpoint {chain.checkpoint_path()}."
        )
