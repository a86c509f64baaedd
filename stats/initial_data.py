"""What a new city starts with in statistics: two example early-warning rules.
Run by `manage.py setup_catalogue`; examples go only into an empty table, so a
city's own rules (or its changes to these) are never joined by them again."""

from django.db import models

from stats.models import WarningRule

EXAMPLE_WARNING_RULES = [
    {"indicator": "unemployed_at_end", "direction": "rise", "threshold": 10},
    {"indicator": "demand", "direction": "fall", "threshold": 20},
]


def seed() -> list[models.Model]:
    if WarningRule.objects.exists():
        return []
    return [WarningRule.objects.create(**rule) for rule in EXAMPLE_WARNING_RULES]
