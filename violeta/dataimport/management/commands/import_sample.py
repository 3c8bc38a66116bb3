"""Write a sample spreadsheet of earlier records (5,000 rows, 40 of them with a mistake) to try the import."""

from django.core.management.base import BaseCommand

from violeta.dataimport.sample import sample_rows, write_xlsx


class Command(BaseCommand):
    help = "Write a sample .xlsx of earlier records (made-up people) with some bad rows, to try the import."

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write the .xlsx")
        parser.add_argument("--rows", type=int, default=5000)
        parser.add_argument("--bad", type=int, default=40)
        parser.add_argument("--seed", type=int, default=18)

    def handle(self, *args, path, rows, bad, seed, **options):
        data = sample_rows(rows=rows, bad=bad, seed=seed)
        write_xlsx(path, data)
        self.stdout.write(f"{len(data)} rows ({bad} with a mistake) written to {path}")
