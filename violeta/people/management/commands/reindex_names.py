"""Rebuild the word index of people's names (``people.name_index``) for everyone, a batch at a time.

Needed after a change to how names are cut into words (``people.names``: particles, abbreviations), or after
people were loaded in bulk without it. Each batch replaces its people's rows in its own transaction, so searches
keep working while it runs (a person is found by her old words or her new ones, never by none).
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from violeta.people.models import Person
from violeta.people.name_index import index_people


class Command(BaseCommand):
    help = "Rebuild the search index of people's names (words and pairs of words)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="people per transaction (default 5000)")

    def handle(self, *args, batch, **options):
        started = time.perf_counter()
        fields = ("id", "given_names", "first_surname", "second_surname", "birth_date")
        last, done, rows = 0, 0, 0
        total = Person.objects.count()
        while True:
            people = list(Person.objects.filter(id__gt=last).order_by("id").only(*fields)[:batch])
            if not people:
                break
            with transaction.atomic():
                rows += index_people(people, contiguous=True)
            last, done = people[-1].id, done + len(people)
            if options["verbosity"] > 1:
                self.stdout.write(
                    _("%(done)d of %(total)d people, %(seconds).0f s")
                    % {"done": done, "total": total, "seconds": time.perf_counter() - started}
                )
        self.stdout.write(
            _("The names of %(people)d people were reindexed (%(words)d words) in %(seconds).1f s.")
            % {"people": done, "words": rows, "seconds": time.perf_counter() - started}
        )
