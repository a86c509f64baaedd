from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stats.periods import Period, recent_periods
from stats.services import refresh_facts


class Command(BaseCommand):
    help = (
        "Compute the statistics of the periods given (2026-10, 2026-Q3, 2025), or "
        "of the last 13 months, 5 quarters and 2 years: after a deployment or an "
        "import of old records. Closed periods are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("periods", nargs="*")

    def handle(self, *args, periods, **options):
        try:
            chosen = [Period.parse(text) for text in periods]
        except ValueError as error:
            raise CommandError(
                f"Not a period: {error} (2026-10, 2026-Q3, 2025)"
            ) from None
        for period in chosen or recent_periods(timezone.localdate()):
            facts = refresh_facts(period)
            self.stdout.write(f"{period.slug}: {facts or 'closed, unchanged'}")
