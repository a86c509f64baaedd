"""The portal runs on one PostgreSQL major and refuses an older server at connection."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections

from portal import embedded_db
from portal.postgres import POSTGRES_MAJOR, version_text


def _new_connection(pg_version=None):
    """A fresh connection to the default database, optionally faking its version."""
    wrapper = connections.create_connection("default")
    if pg_version is not None:
        wrapper.pg_version = pg_version  # fills the cached_property
    return wrapper


def test_an_older_server_is_refused_at_its_first_connection(db):
    too_old = _new_connection(pg_version=160004)
    with pytest.raises(ImproperlyConfigured) as refused:
        too_old.ensure_connection()
    assert str(refused.value).startswith(
        f"PostgreSQL {POSTGRES_MAJOR} or newer is needed; "
        "the database server is PostgreSQL 16.4."
    )
    assert too_old.connection is None  # closed, not left half-open


def test_the_last_version_before_the_major_is_refused(db):
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL 17.99"):
        _new_connection(pg_version=POSTGRES_MAJOR * 10000 - 1).ensure_connection()


def test_the_real_server_is_accepted(db):
    fresh = _new_connection()
    try:
        fresh.ensure_connection()
        with fresh.cursor() as cursor:
            cursor.execute("SELECT uuidv7()")  # what the insurance import needs
            assert cursor.fetchone()[0].version == 7
    finally:
        fresh.close()
    assert connection.pg_version >= POSTGRES_MAJOR * 10000


def test_versions_read_as_people_write_them():
    assert version_text(180004) == "18.4"
    assert version_text(160010) == "16.10"


def test_production_and_the_embedded_server_run_the_same_major(db):
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    image = re.search(r"^\s+image:\s*postgres:(\d+)", compose, re.MULTILINE)
    assert image and int(image[1]) == POSTGRES_MAJOR, "docker-compose.yml's db image"
    # Since 18 the official image keeps its data in /var/lib/postgresql/<major>/docker.
    assert re.search(r"^\s+- pgdata:/var/lib/postgresql$", compose, re.MULTILINE)
    if connection.settings_dict["HOST"] == embedded_db.socket_dir():
        assert connection.pg_version // 10000 == POSTGRES_MAJOR, "embedded server"
