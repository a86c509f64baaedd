import os

import pytest
from django.db import connections

from config.management.commands.setup_catalogue import seed_catalogue
from config.management.commands.setup_roles import set_roles
from portal import embedded_db
from tests import factories

_owned_database = False


def pytest_configure(config):
    """Start the embedded PostgreSQL unless DATABASE_URL names another server."""
    global _owned_database
    if not os.environ.get("DATABASE_URL"):
        _owned_database = embedded_db.start()


def pytest_unconfigure(config):
    if _owned_database:
        embedded_db.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as a deploy leaves it: the migrations, then the roles and
    the initial catalogue (what `setup_roles` and `setup_catalogue` do, without
    their audit entries: the audit trail cannot be restored after a flush)."""
    with django_db_blocker.unblock():
        set_roles()
        seed_catalogue()
        # Transactional tests reload this snapshot after each flush: take it again.
        for connection in connections.all():
            if hasattr(connection, "_test_serialized_contents"):
                contents = connection.creation.serialize_db_to_string()
                connection._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):
    """The visitor chose English with the language switcher."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def foshan(db):
    return factories.make_org_tree()


@pytest.fixture
def seeker(foshan):
    return factories.make_seeker(residence=foshan["chancheng_community"])


@pytest.fixture
def other_seeker(foshan):
    return factories.make_seeker(residence=foshan["nanhai_street"])


@pytest.fixture
def employer(foshan):
    return factories.make_employer_user(org_unit=foshan["chancheng_street"])


@pytest.fixture
def other_employer(foshan):
    return factories.make_employer_user(org_unit=foshan["nanhai_street"])


@pytest.fixture
def caseworker(foshan):
    return factories.make_staff("caseworker", org_unit=foshan["chancheng"])


@pytest.fixture
def outsider_caseworker(foshan):
    """A caseworker of another district (南海区)."""
    return factories.make_staff("caseworker", org_unit=foshan["nanhai"])


@pytest.fixture
def city_caseworker(foshan):
    return factories.make_staff("caseworker", org_unit=foshan["city"])


@pytest.fixture
def leader(foshan):
    return factories.make_staff("leader", org_unit=foshan["city"])


@pytest.fixture
def administrator(foshan):
    return factories.make_staff("admin", org_unit=None)
