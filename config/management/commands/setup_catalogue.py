"""The catalogues and rules a new city starts with: each app declares its own in
`<app>/initial_data.py` (difficulty categories, cancellation reasons, subsidy types
with their first policy versions, the rules rows, example warning rules).

Idempotent; run on every deploy after `migrate`, and by `make run`. Only rows whose
natural key is missing are added, and each addition is written to the audit trail;
rows that exist are never changed, since city staff edit them in the back office.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from fairs import initial_data as fairs
from portal import initial_data as portal
from portal.audit import audit
from registration import initial_data as registration
from stats import initial_data as stats
from subsidies import initial_data as subsidies

# In dependency order, like seed_demo.
SEEDS = [portal.seed, registration.seed, fairs.seed, subsidies.seed, stats.seed]


def seed_catalogue() -> list:
    """Add the missing rows of every app's initial data; return the rows added."""
    return [row for seed in SEEDS for row in seed()]


class Command(BaseCommand):
    help = (
        "Add the missing entries of the initial catalogues, never changing existing "
        "ones (idempotent; run on every deploy after migrate)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        added = seed_catalogue()
        for row in added:
            audit(None, "config.catalogue.seeded", row)
        if options["verbosity"]:
            counts: dict[str, int] = {}
            for row in added:
                name = row._meta.label
                counts[name] = counts.get(name, 0) + 1
            summary = ", ".join(f"{n} {name}" for name, n in counts.items())
            self.stdout.write(f"Catalogue: added {summary or 'nothing'}.")
