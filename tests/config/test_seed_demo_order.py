import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.models import OrgUnit


def test_the_second_demo_city_is_refused_before_the_first(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo", city="jiangmen")
    assert not OrgUnit.objects.filter(level=OrgUnit.Level.PROVINCE).exists()
