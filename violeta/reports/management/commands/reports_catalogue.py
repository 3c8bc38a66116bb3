"""Print the catalogue of indicators (docs/reports.md's "Indicators" table) from the registry, in Spanish."""

from django.core.management.base import BaseCommand
from django.utils import translation

from violeta.reports.indicators import INDICATORS

FILTER_LABELS = {
    "period": "periodo",
    "area": "área",
    "program": "programa",
    "neighborhood": "colonia",
    "age_group": "grupo de edad",
}


class Command(BaseCommand):
    help = "Print the Markdown table of every registered indicator (for docs/reports.md)."

    def handle(self, *args, **options):
        with translation.override("es-mx"):
            lines = [
                "| indicator | title (as shown) | section | filters it applies | what it counts |",
                "|---|---|---|---|---|",
            ]
            for one in INDICATORS.values():
                filters = ", ".join(FILTER_LABELS[name] for name in one.filters)
                description = str(one.description or "").replace("|", "/").replace("\n", " ")
                lines.append(f"| `{one.slug}` | {one.title} | {one.section} | {filters} | {description} |")
        self.stdout.write("\n".join(lines))
