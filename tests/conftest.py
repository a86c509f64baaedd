import os

import pytest
from django.db import connections

from config.management.commands.setup_catalogue import seed_catalogue
from config.management.commands.setup_roles import set_roles
from portal import embedded_db
from portal.models import OrgUnit
from tests import factories

_owned_database = False

# Present while a session uses the test database; a run killed before its end leaves
# it behind, and the next run builds the test database anew instead of reusing it.
UNCLEAN_TEST_DB = embedded_db.BASE_DIR / "var" / "test-db.unclean"


def pytest_configure(config):
    """Start the embedded PostgreSQL unless DATABASE_URL names another server."""
    global _owned_database
    if not os.environ.get("DATABASE_URL"):
        _owned_database = embedded_db.start()
    if UNCLEAN_TEST_DB.exists():
        config.option.create_db = True


def pytest_unconfigure(config):
    if _owned_database:
        embedded_db.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as a deploy leaves it, handed to the next run the same way.

    After the migrations come the roles and the initial catalogue (what `setup_roles`
    and `setup_catalogue` do, without their audit entries: the audit trail cannot be
    restored after a flush). Runs reuse the database (--reuse-db in pyproject.toml;
    `make check` passes --create-db). Transactional tests end with a flush that
    empties every table, also these rows: at the end they are put back from the
    snapshot taken here, and the database cache (django-q2's cluster stats), which no
    flush or rollback touches, is emptied.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        set_roles()
        seed_catalogue()
        # Transactional tests reload this snapshot after each flush: take it again.
        for each in connections.all():
            if hasattr(each, "_test_serialized_contents"):
                each._test_serialized_contents = each.creation.serialize_db_to_string()
    UNCLEAN_TEST_DB.parent.mkdir(parents=True, exist_ok=True)
    UNCLEAN_TEST_DB.touch()
    yield
    with django_db_blocker.unblock():
        cache.clear()
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            # As TransactionTestCase flushes: sequences go on past the rows put back.
            call_command(
                "flush",
                interactive=False,
                verbosity=0,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
            connection.creation.deserialize_db_from_string(contents)
        clean = ContentType.objects.exists()
    if clean:
        UNCLEAN_TEST_DB.unlink()


@pytest.fixture(autouse=True)
def _tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):
    """The visitor chose English with the language switcher."""
    client.cookies["django_language"] = "en"
    return client


# Personas: log them in with client.force_login. client.login() authenticates without
# a request, which django-axes (login throttling) refuses with a ValueError.


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


@pytest.fixture
def province(foshan):
    """Guangdong above Foshan, and a second city, Zhaoqing, with one district, its
    street and community."""
    guangdong = OrgUnit.objects.create(
        code="440000000000", name="广东省", level="province"
    )
    foshan["city"].parent = guangdong
    foshan["city"].save()
    zhaoqing = OrgUnit.objects.create(
        code="441200000000", name="肇庆市", level="city", parent=guangdong
    )
    duanzhou = OrgUnit.objects.create(
        code="441202000000", name="端州区", level="district", parent=zhaoqing
    )
    street = OrgUnit.objects.create(
        code="441202001000", name="端州区第一街道", level="street", parent=duanzhou
    )
    community = OrgUnit.objects.create(
        code="441202001001", name="端州区第一社区", level="community", parent=street
    )
    return {
        **foshan,
        "province": guangdong,
        "zhaoqing": zhaoqing,
        "duanzhou": duanzhou,
        "duanzhou_street": street,
        "duanzhou_community": community,
    }
