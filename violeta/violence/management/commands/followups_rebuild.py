"""Rebuild what each case's follow-up goes by (``FollowUpState``) from the consultations, assessments and flags:
``manage.py followups_rebuild``. Run it after writing cases, consultations or assessments around Django's
``save()`` (a bulk load, a restore of selected tables); it prints how many rows were missing or wrong and exits 1
when there were any, so from cron it doubles as a check that nothing was missed.
"""

import sys

from django.core.management.base import BaseCommand

from violeta.violence import followups


class Command(BaseCommand):
    help = (
        "Recompute every case's follow-up state (last contact, level); print how many rows were missing or "
        "wrong. Exit status 1 when some were."
    )

    def handle(self, *args, **options):
        cases, fixed = followups.rebuild()
        self.stdout.write(f"followups_rebuild: {cases} cases checked, {fixed} missing or wrong rewritten")
        if fixed:
            sys.exit(1)
