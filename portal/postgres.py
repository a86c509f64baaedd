"""The one PostgreSQL major the portal runs on, and the check that refuses older ones.

Production (`docker-compose.yml`), CI and the embedded server (`portal/embedded_db.py`)
all run PostgreSQL 18; the code uses what it brings (uuidv7() in the insurance import).
Every new database connection checks the server, so `migrate`, the web server and the
worker fail at their first query with a clear message instead of halfway through a
nightly job.
"""

from django.core.exceptions import ImproperlyConfigured

POSTGRES_MAJOR = 18


def version_text(server_version: int) -> str:
    """180004 → '18.4' (Django itself refuses servers before 14)."""
    major, minor = divmod(server_version, 10000)
    return f"{major}.{minor}"


def check_server_version(sender, connection, **kwargs):
    """connection_created receiver: close and refuse a server before POSTGRES_MAJOR."""
    if connection.vendor != "postgresql":
        return
    server_version = connection.pg_version  # e.g. 180004
    if server_version < POSTGRES_MAJOR * 10000:
        connection.close()
        raise ImproperlyConfigured(
            f"PostgreSQL {POSTGRES_MAJOR} or newer is needed; the database server is "
            f"PostgreSQL {version_text(server_version)}. Upgrade it (docker-compose.yml"
            f" runs postgres:{POSTGRES_MAJOR}) or point DATABASE_URL at a newer server."
        )
