"""What a new city starts with in fairs: the points rules without a city (model defaults).
Run by `manage.py setup_catalogue`; adds it only when missing."""

from django.db import models

from fairs.models import PointsRules


def seed() -> list[models.Model]:
    rules, is_new = PointsRules.objects.get_or_create(city=None)
    return [rules] if is_new else []
